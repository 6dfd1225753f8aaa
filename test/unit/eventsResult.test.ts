import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { annotateExceptionsFile, exceptionHoverMarkdown, exceptionLineText, gcSummaryMarkdown, gcTimeline } from '../../src/core/eventAnnotations';
import { EventsResult, parseEventsResult } from '../../src/core/eventsResult';
import { ProfileFormatError } from '../../src/core/profileErrors';
import { RUNNER_ROOT, WORKLOADS } from '../support/pythonForTests';
import { pyenvPython } from '../support/pyenvPython';

type Json = Record<string, unknown>;
const FILE = '/w/app.py';
const SOURCE = ['def count(rows):', '    counts = {}', '    for r in rows:', '        try:', '            counts[r] += 1', '        except KeyError:',
  '            counts[r] = 1', '    return next(iter([]), None)', ''].join('\n');

const site = (line: number, fn: string, origin = 'script', file = 'app.py') => ({ file, line, function: fn, origin });
const event = (generation: number, startNs: number, durationNs: number, collected: number, where: Json | null) =>
  ({ generation, startNs, durationNs, collected, uncollectable: 0, site: where });

const EVENTS = [event(0, 1_000, 20_000, 0, site(5, 'count')), event(0, 50_000, 30_000, 12, site(7, 'count')),
  event(2, 2_000_000, 5_000_000, 3_000, site(9, '<module>')), event(1, 9_000_000, 100_000, 0, null)];

const resultJson = (extra: Json = {}): Json => ({
  schema: 'pyrometer.events/1',
  metadata: { tool: 'gc.callbacks + sys.monitoring', python: { version: '3.12.1' }, cwd: '/w', script: FILE, exitCode: 0, exception: null, wallSeconds: 0.02 },
  gc: {
    thresholds: [700, 10, 10],
    events: EVENTS, eventsOmitted: 0,
    summary: {
      collections: [2, 1, 1], totalPauseNs: 5_150_000, longestPauseNs: 5_000_000, collected: 3_012, uncollectable: 0,
      byGeneration: [
        { generation: 0, collections: 2, totalPauseNs: 50_000, longestPauseNs: 30_000, collected: 12, uncollectable: 0 },
        { generation: 1, collections: 1, totalPauseNs: 100_000, longestPauseNs: 100_000, collected: 0, uncollectable: 0 },
        { generation: 2, collections: 1, totalPauseNs: 5_000_000, longestPauseNs: 5_000_000, collected: 3_000, uncollectable: 0 },
      ],
      longest: EVENTS[2],
    },
    note: null,
  },
  exceptions: {
    mechanism: 'sys.monitoring', toolId: 3, note: 'sys.monitoring: no cost while nothing is raised', totalRaised: 6,
    sites: [
      { ...site(5, 'count'), type: 'KeyError', count: 3, caughtCount: 3 },
      { ...site(8, 'count'), type: 'StopIteration', count: 1, caughtCount: 1 },
      { ...site(8, 'count'), type: 'ValueError', count: 1, caughtCount: 0 },
      { ...site(126, '_WeakValueDictionary.setdefault', 'stdlib', '<frozen importlib._bootstrap>'), type: 'KeyError', count: 1, caughtCount: 1 },
    ],
    sitesOmitted: { sites: 0, raises: 0 },
  },
  ...extra,
});
const text = (extra: Json = {}) => JSON.stringify(resultJson(extra));

describe('events: reading the runner result', () => {
  it('keeps every count and nanosecond as recorded and resolves files against the cwd', () => {
    const r = parseEventsResult(text());
    assert.deepStrictEqual(r.gc!.events.map(e => [e.generation, e.startNs, e.durationNs, e.collected, e.site?.file ?? null]),
      [[0, 1_000, 20_000, 0, FILE], [0, 50_000, 30_000, 12, FILE], [2, 2_000_000, 5_000_000, 3_000, FILE], [1, 9_000_000, 100_000, 0, null]]);
    assert.deepStrictEqual(r.gc!.summary.collections, [2, 1, 1]);
    assert.strictEqual(r.gc!.summary.longest!.durationNs, 5_000_000);
    const first = r.exceptions!.sites[0];
    assert.deepStrictEqual([first.file, first.line, first.function, first.type, first.count, first.caughtCount, first.origin],
      [FILE, 5, 'count', 'KeyError', 3, 3, 'script']);
    assert.strictEqual(r.exceptions!.sites[3].file, '<frozen importlib._bootstrap>');
    assert.strictEqual(r.exceptions!.toolId, 3);
  });

  it('accepts runs recorded with --no-gc or --no-exceptions, and settrace\'s unknown caught counts', () => {
    assert.strictEqual(parseEventsResult(text({ gc: null })).gc, null);
    assert.strictEqual(parseEventsResult(text({ exceptions: null })).exceptions, null);
    const settrace = resultJson();
    const x = settrace.exceptions as Json;
    x.mechanism = 'settrace';
    x.toolId = null;
    for (const s of x.sites as Json[]) s.caughtCount = null;
    assert.strictEqual(parseEventsResult(JSON.stringify(settrace)).exceptions!.sites[0].caughtCount, null);
  });

  for (const [what, bad] of [
    ['truncated JSON', text().slice(0, 50)],
    ['the memory schema', text({ schema: 'pyrometer.memory/1' })],
    ['a site without a function', text().replace('"function":"count",', '')],
    ['an unknown origin', text().replace('"origin":"stdlib"', '"origin":"nowhere"')],
    ['a missing caughtCount', text().replace('"caughtCount":0', '"caught":0')],
    ['a missing summary', text().replace(/"summary":\{.*?"note":null/, '"note":null')],
  ] as const) {
    it(`rejects ${what} with a ProfileFormatError`, () => {
      assert.throws(() => parseEventsResult(bad), (e: unknown) => e instanceof ProfileFormatError);
    });
  }
});

describe('events: exceptions on the source', () => {
  const r = parseEventsResult(text());

  it('puts the counts by type on each raising line, heat against the file\'s most frequent line', () => {
    const a = annotateExceptionsFile(r, FILE, SOURCE);
    assert.deepStrictEqual(a.map(x => [x.line, x.afterText, x.heat, x.kind]), [
      [4, '  raised KeyError ×3 (3 caught)', 1, 'line'],
      [7, '  raised StopIteration ×1 (1 caught), ValueError ×1 (0 caught)', 2 / 3, 'line'],
    ]);
    assert.deepStrictEqual(annotateExceptionsFile(r, '/w/other.py', SOURCE), []);
  });

  it('leaves the caught count out when the mechanism cannot know it', () => {
    assert.strictEqual(exceptionLineText([{ ...r.exceptions!.sites[0], caughtCount: null }]), '  raised KeyError ×3');
  });

  it('answers the hover of a raising line', () => {
    const md = exceptionHoverMarkdown(r, FILE, 5)!;
    assert.match(md, /\*\*Line 5\*\* in `count`/);
    assert.match(md, /\| `KeyError` \| 3 \| 3 \|/);
    assert.match(md, /50\.0% of the run's 6 raises\. In the script\./);
    assert.strictEqual(exceptionHoverMarkdown(r, FILE, 6), undefined);
  });
});

describe('events: garbage collections', () => {
  const r = parseEventsResult(text());

  it('gives a webview the bars of a timeline', () => {
    const t = gcTimeline(r);
    assert.strictEqual(t.spanNs, 20_000_000);
    assert.strictEqual(t.generations, 3);
    assert.deepStrictEqual(t.bars.map(b => [b.startNs, b.durationNs, b.generation]), EVENTS.map(e => [e.startNs, e.durationNs, e.generation]));
    assert.strictEqual(t.bars[2].label, 'gen 2 · 5.00 ms · 3,000 collected · <module> (app.py:9)');
    assert.strictEqual(t.bars[3].label, 'gen 1 · 100 µs · 0 collected · runner');
    assert.deepStrictEqual(gcTimeline(parseEventsResult(text({ gc: null }))).bars, []);
  });

  it('summarises the pauses per generation', () => {
    const md = gcSummaryMarkdown(r);
    assert.match(md, /4 in 20\.0 ms, paused 5\.15 ms \(25\.8% of the run\)/);
    assert.match(md, /\| 2 \| 1 \| 5\.00 ms \| 5\.00 ms \| 3,000 \| 0 \|/);
    assert.match(md, /Longest: generation 2, 5\.00 ms at 2\.00 ms, started at `<module> \(app\.py:9\)`/);
    assert.match(md, /Thresholds 700, 10, 10/);
    assert.strictEqual(gcSummaryMarkdown(parseEventsResult(text({ gc: null }))), 'Garbage collections were not recorded (--no-gc).');
  });
});


for (const [family, mechanism, caught] of [['3.12', 'sys.monitoring', ' (2 caught)'], ['3.8', 'settrace', '']] as const) {
  describe(`events of a real run (mixed_app.py, Python ${family})`, function () {
    this.timeout(120000);
    const script = path.join(WORKLOADS, 'mixed_app.py');
    let dir: string;
    let result: EventsResult;
    let source: string;

    before(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-events-'));
      const out = path.join(dir, 'result.json');
      execFileSync(pyenvPython(family), [path.join(RUNNER_ROOT, 'pyrometer_runner'), 'events', '--out', out, '--', script],
        { cwd: WORKLOADS, timeout: 110000 });
      result = parseEventsResult(await fs.readFile(out, 'utf8'));
      source = await fs.readFile(script, 'utf8');
    });

    after(() => fs.rm(dir, { recursive: true, force: true }));

    it("marks count_codes' KeyError line with its exact count, the number of distinct codes", () => {
      const line = source.split('\n').findIndex(l => l.includes('counts[r["code"]] += 1')) + 1;
      assert.strictEqual(result.exceptions!.mechanism, mechanism);
      const annotations = annotateExceptionsFile(result, script, source);
      assert.deepStrictEqual(annotations.map(a => [a.line + 1, a.afterText]), [[line, `  raised KeyError ×2${caught}`]]);
    });

    it('draws every recorded collection, and its summary adds up', () => {
      const timeline = gcTimeline(result);
      const summary = result.gc!.summary;
      assert.strictEqual(result.gc!.eventsOmitted, 0);
      assert.strictEqual(timeline.bars.length, summary.collections.reduce((n, c) => n + c, 0));
      assert.strictEqual(timeline.bars.reduce((n, b) => n + b.durationNs, 0), summary.totalPauseNs);
      assert.ok(timeline.bars.some(b => b.collected > 0));
      assert.ok(timeline.bars.every(b => b.startNs + b.durationNs <= timeline.spanNs));
      assert.match(gcSummaryMarkdown(result), /\*\*Garbage collections\*\*/);
    });
  });
}
