import { parseLineTimingResult } from '../../../src/core/lineTimingResult';
import { describeParserFuzz, readFixture } from './parserProperties';
import { assertProfileIndices } from './profileChecks';

describeParserFuzz({
  name: 'parseLineTimingResult (runner lines JSON)',
  parse: parseLineTimingResult,
  seeds: [readFixture('runner/lines-calls.json')],
  json: true,
  checkModel: assertProfileIndices,
}, { random: 1500, mutated: 2500 });
