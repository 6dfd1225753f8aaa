import { parseCollapsedStacks } from '../../../src/core/collapsedStacks';
import { describeParserFuzz, readFixture } from './parserProperties';
import { assertProfileIndices } from './profileChecks';

describeParserFuzz({
  name: 'parseCollapsedStacks (py-spy raw / collapsed stacks)',
  parse: (text) => parseCollapsedStacks(text, { rateHz: 100 }),
  seeds: ['calls-raw.txt', 'calls-function-raw.txt', 'mixed-native-raw.txt', 'mixed-threads-raw.txt',
    'spawn-subprocesses-raw.txt', 'threads-named-raw.txt'].map((f) => readFixture(`pyspy/${f}`)),
  json: false,
  checkModel: assertProfileIndices,
}, { random: 2000, mutated: 4000 });
