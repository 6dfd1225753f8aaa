import { parseCProfileResult } from '../../../src/core/cprofileResult';
import { describeParserFuzz, readFixture } from './parserProperties';
import { assertProfileIndices } from './profileChecks';

describeParserFuzz({
  name: 'parseCProfileResult (runner cProfile JSON)',
  parse: parseCProfileResult,
  seeds: [readFixture('runner/cprofile-calls.json'), readFixture('runner/cprofile-raises.json')],
  json: true,
  checkModel: assertProfileIndices,
}, { random: 1500, mutated: 2500 });
