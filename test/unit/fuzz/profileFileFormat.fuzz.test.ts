import * as assert from 'assert';
import { sniffProfileFormat } from '../../../src/core/profileFileFormat';
import { describeParserFuzz, readFixture } from './parserProperties';

// The sniffer never throws: it returns a format or an error text. Wrapped so the shared property applies.
describeParserFuzz({
  name: 'sniffProfileFormat (file type detection)',
  parse: (text) => {
    const result = sniffProfileFormat(new TextEncoder().encode(text), 'fuzzed.prof');
    if ('error' in result) assert.ok(result.error.length > 0, 'an empty sniff error');
    return result;
  },
  seeds: ['pyspy/mixed-speedscope.json', 'pyspy/calls-raw.txt', 'importtime/asyncio-3.12.txt', 'runner/cprofile-calls.json',
    'runner/lines-calls.json'].map(readFixture),
  json: false,
}, { random: 1500, mutated: 2500 });
