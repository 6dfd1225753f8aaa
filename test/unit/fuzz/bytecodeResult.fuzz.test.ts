import { parseBytecodeResult } from '../../../src/core/bytecodeResult';
import { describeParserFuzz, readFixture } from './parserProperties';

describeParserFuzz({
  name: 'parseBytecodeResult (runner dis JSON)',
  parse: parseBytecodeResult,
  seeds: [readFixture('runner/bytecode-attributes.json')],
  json: true,
}, { random: 1500, mutated: 2500 });
