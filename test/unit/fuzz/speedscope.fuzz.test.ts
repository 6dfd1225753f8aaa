import { parseSpeedscope } from '../../../src/core/speedscope';
import { describeParserFuzz, readFixture } from './parserProperties';
import { assertProfileIndices } from './profileChecks';

describeParserFuzz({
  name: 'parseSpeedscope (py-spy speedscope JSON)',
  parse: (text) => parseSpeedscope(text),
  seeds: [readFixture('pyspy/mixed-speedscope.json')],
  json: true,
  checkModel: assertProfileIndices,
}, { random: 1500, mutated: 3000 });
