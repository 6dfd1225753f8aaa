import { parseMemoryResult } from '../../../src/core/memoryResult';
import { describeParserFuzz, readFixture } from './parserProperties';

describeParserFuzz({
  name: 'parseMemoryResult (runner tracemalloc JSON)',
  parse: parseMemoryResult,
  seeds: [readFixture('runner/memory-mixed.json')],
  json: true,
}, { random: 1500, mutated: 3000 });
