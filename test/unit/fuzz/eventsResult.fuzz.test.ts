import { parseEventsResult } from '../../../src/core/eventsResult';
import { describeParserFuzz, readFixture } from './parserProperties';

describeParserFuzz({
  name: 'parseEventsResult (runner gc/exceptions JSON)',
  parse: parseEventsResult,
  seeds: [readFixture('runner/events-mixed.json')],
  json: true,
}, { random: 1500, mutated: 3000 });
