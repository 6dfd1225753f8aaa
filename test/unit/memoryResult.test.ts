import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { byteSize, signedByteSize } from '../../src/core/byteSize';
import { annotateMemoryFile, memoryHoverMarkdown, memoryLineText, memoryRows } from '../../src/core/memoryAnnotations';
import { MemoryResult, parseMemoryResult } from '../../src/core/memoryResult';
import { ProfileFormatError } from '../../src/core/profileErrors';
import { groupThousands } from '../../src/core/pstatsNumbers';
import { RUNNER_ROOT, WORKLOADS } from '../support/pythonForTests';
import { pyenvPython } from '../support/pyenvPython';

type Json = Record<string, unknown>;
const FILE = '/w/app.py';
const SOURCE = ['cache = {}', '', 'def remember(k, v):', '    cache[k] = v', '', 'rows = [dict(id=i) for i in range(9)]', ''].join('\n');

const diffEntry = (line: number, bytes: number, blocks: number, bytesDiff: number, blocksDiff: number, file = 'app.py') =>
  ({ file, line, bytes, blocks, bytesDiff, blocksDiff, origin: 'script' });

const resultJson = (extra: Json = {}): Json => ({
  schema: 'pyrometer.memory/1',
  metadata: { tool: 'tracemalloc', python: { version: '3.12.1' }, cwd: '/w', script: FILE, exitCode: 0, exception: null, wallSeconds: 2 },
  tracemalloc: { frames: 2, peakBytes: 9_000_000, endBytes: 6_400_000, trackingOverheadBytes: 3_000_000, note: 'tracemalloc with 2 frames' },
  filter: { exclude: ['<frozen importlib.*>', '<unknown>'] },
  interval: { seconds: 1, taken: 1, limit: 100, stoppedEarly: false, error: null },
  snapshots: [
    { label: 'start', atSeconds: 0, totalBytes: 0, totalBlocks: 0, excludedBytes: 10, excludedBlocks: 1 },
    { label: '+1.0s', atSeconds: 1.01, totalBytes: 3_000_000, totalBlocks: 10, excludedBytes: 100, excludedBlocks: 2 },
    { label: 'end', atSeconds: 2, totalBytes: 6_291_456 + 1_048_576, totalBlocks: 20_002, excludedBytes: 200, excludedBlocks: 3 },
  ],
  statistics: [
    { file: 'app.py', line: 6, bytes: 6_291_456, blocks: 20_000, origin: 'script' },
    { file: '/w/app.py', line: 4, bytes: 1_048_576, blocks: 2, origin: 'script' },
    { file: '<frozen abc>', line: 106, bytes: 512, blocks: 1, origin: 'stdlib' },
  ],
  statisticsOmitted: { entries: 0, bytes: 0, blocks: 0 },
  diff: {
    from: 'start', to: 'end',
    entries: [diffEntry(6, 6_291_456, 20_000, 5_242_880, 19_000), diffEntry(4, 1_048_576, 2, 1_048_576, 2), diffEntry(1, 0, 0, -2048, -1)],
    entriesOmitted: { entries: 0, bytes: 0, blocks: 0, bytesDiff: 0, blocksDiff: 0 },
    growth: [
      { ...diffEntry(6, 6_291_456, 20_000, 5_242_880, 19_000), tracebacks: [
        { bytes: 6_000_000, blocks: 19_000, bytesDiff: 5_000_000, blocksDiff: 18_000, frames: [{ file: 'app.py', line: 9 }, { file: 'app.py', line: 6 }] },
      ], tracebacksOmitted: 3 },
      { ...diffEntry(4, 1_048_576, 2, 1_048_576, 2), tracebacks: [
        { bytes: 1_048_576, blocks: 2, bytesDiff: 1_048_576, blocksDiff: 2, frames: [{ file: '/w/main.py', line: 2 }, { file: 'app.py', line: 4 }] },
      ], tracebacksOmitted: 0 },
    ],
    note: 'recorded with 2 frames',
  },
  intervalDiffs: [
    { from: 'start', to: '+1.0s', entries: [diffEntry(4, 524_288, 1, 524_288, 1)], entriesOmitted: { entries: 0, bytes: 0, blocks: 0, bytesDiff: 0, blocksDiff: 0 } },
    { from: '+1.0s', to: 'end', entries: [diffEntry(4, 1_048_576, 2, 524_288, 1)], entriesOmitted: { entries: 2, bytes: 10, blocks: 1, bytesDiff: 5, blocksDiff: 1 } },
  ],
  limits: { statistics: 1000, diffEntries: 1000, tracebacksPerSite: 10, intervalSnapshots: 100, intervalDiffEntries: 50 },
  truncated: true,
  ...extra,
});
const text = (extra: Json = {}) => JSON.stringify(resultJson(extra));

describe('memory: reading the runner result', () => {
  it('keeps every figure as recorded and resolves files against the run\'s cwd', () => {
    const r = parseMemoryResult(text());
    assert.deepStrictEqual(r.statistics.map(s => [s.file, s.line, s.bytes, s.blocks, s.origin]), [
      [FILE, 6, 6_291_456, 20_000, 'script'], [FILE, 4, 1_048_576, 2, 'script'], ['<frozen abc>', 106, 512, 1, 'stdlib']]);
    assert.deepStrictEqual(r.diff.growth[0].tracebacks[0].frames, [{ file: FILE, line: 9 }, { file: FILE, line: 6 }]);
    assert.strictEqual(r.diff.growth[1].tracebacks[0].frames[0].file, '/w/main.py');
    assert.deepStrictEqual([r.tracemalloc.frames, r.tracemalloc.peakBytes, r.tracemalloc.endBytes], [2, 9_000_000, 6_400_000]);
    assert.deepStrictEqual(r.snapshots.map(s => s.label), ['start', '+1.0s', 'end']);
    assert.strictEqual(r.intervalDiffs[1].entriesOmitted.entries, 2);
    assert.strictEqual(r.interval!.seconds, 1);
    assert.strictEqual(r.truncated, true);
    assert.strictEqual(r.metadata.cwd, '/w');
  });

  it('accepts a run without interval snapshots or an end snapshot', () => {
    const r = parseMemoryResult(text({ interval: null, intervalDiffs: [],
      tracemalloc: { frames: 1, peakBytes: null, endBytes: null, trackingOverheadBytes: null, note: 'the program stopped tracemalloc' } }));
    assert.strictEqual(r.interval, null);
    assert.strictEqual(r.tracemalloc.peakBytes, null);
  });

  const broken = (): [string, string][] => {
    const noTracebacks = resultJson();
    delete ((noTracebacks.diff as Json).growth as Json[])[0].tracebacks;
    return [
      ['truncated JSON', text().slice(0, 80)],
      ['the events schema', text({ schema: 'pyrometer.events/1' })],
      ['an unknown origin', text().replace('"origin":"stdlib"', '"origin":"elsewhere"')],
      ['a growth site without tracebacks', JSON.stringify(noTracebacks)],
      ['a size as a string', text().replace('"bytes":512', '"bytes":"512"')],
      ['truncated not a boolean', text({ truncated: 'yes' })],
    ];
  };
  for (const [what, bad] of broken()) {
    it(`rejects ${what} with a ProfileFormatError`, () => {
      assert.throws(() => parseMemoryResult(bad), (e: unknown) => e instanceof ProfileFormatError);
    });
  }
});

describe('memory: sizes', () => {
  it('writes bytes with three significant digits in binary units', () => {
    assert.deepStrictEqual([0, 512, 1023, 1024, 1536, 12_345, 1_048_576, 1_290_000, 1024 * 1024 * 1023.99, 5 * 1024 ** 3].map(byteSize),
      ['0 B', '512 B', '1023 B', '1.00 KiB', '1.50 KiB', '12.1 KiB', '1.00 MiB', '1.23 MiB', '1.00 GiB', '5.00 GiB']);
    assert.deepStrictEqual([1_153_434, -2048, 0].map(signedByteSize), ['+1.10 MiB', '-2.00 KiB', '±0 B']);
  });
});

describe('memory: lines, rows and hovers', () => {
  const r = parseMemoryResult(text());

  it('decorates each allocating line with its size, blocks and growth, heat against the file\'s largest', () => {
    const a = annotateMemoryFile(r, FILE, SOURCE);
    const lines = a.filter(x => x.kind === 'line');
    assert.deepStrictEqual(lines.map(x => [x.line, x.afterText, x.heat]), [
      [0, '  0 B in 0 blocks (-2.00 KiB since start)', 0],
      [3, '  1.00 MiB in 2 blocks (+1.00 MiB since start)', 1 / 6],
      [5, '  6.00 MiB in 20,000 blocks (+5.00 MiB since start)', 1],
    ]);
    const lens = a.find(x => x.lensText)!;
    assert.strictEqual(lens.line, 0);
    assert.strictEqual(lens.lensText, 'memory: 7.00 MiB in 20,002 blocks alive at the end from this file (100.0% of the program\'s) | largest: line 6 (6.00 MiB)');
    assert.deepStrictEqual(annotateMemoryFile(r, '/w/other.py', SOURCE), []);
    assert.ok(!annotateMemoryFile(r, FILE, 'one line only').some(x => x.line > 0), 'lines past the end of the text are dropped');
  });

  it('gives the table its rows, sortable by size, blocks and growth', () => {
    const key = (rows: ReturnType<typeof memoryRows>) => rows.map(x => `${path.basename(x.file)}:${x.line}`);
    assert.deepStrictEqual(key(memoryRows(r)), ['app.py:6', 'app.py:4', '<frozen abc>:106', 'app.py:1']);
    assert.deepStrictEqual(key(memoryRows(r, 'blocks')), ['app.py:6', 'app.py:4', '<frozen abc>:106', 'app.py:1']);
    assert.deepStrictEqual(key(memoryRows(r, 'growth')), ['app.py:6', 'app.py:4', 'app.py:1', '<frozen abc>:106']);
    const row = memoryRows(r).find(x => x.line === 4)!;
    assert.deepStrictEqual([row.averageBytes, row.bytesDiff, row.blocksDiff, row.growthRank, row.origin], [524_288, 1_048_576, 2, 2, 'script']);
    assert.strictEqual(memoryRows(r).find(x => x.line === 106)!.bytesDiff, null);
  });

  it('answers the hover with exact bytes, the growth tracebacks oldest first, and the steps between snapshots', () => {
    const md = memoryHoverMarkdown(r, FILE, 6)!;
    assert.match(md, /\| 6\.00 MiB \| 20,000 \| 315 B \| \+5\.00 MiB \(\+19,000 blocks\) \|/);
    assert.match(md, /6,291,456 bytes, 85\.7% of the 7\.00 MiB the program held at the end/);
    assert.match(md, /Growing site #1/);
    assert.match(md, /1\. \+4\.77 MiB in \+18,000 blocks\n {4}- `app\.py:9`\n {4}- `app\.py:6`/);
    assert.match(md, /3 smaller tracebacks not kept/);
    const line4 = memoryHoverMarkdown(r, FILE, 4)!;
    assert.match(line4, /- `main\.py:2`\n {4}- `app\.py:4`/);
    assert.match(line4, /Between snapshots: start → \+1\.0s \+512 KiB · \+1\.0s → end \+512 KiB/);
    assert.strictEqual(memoryHoverMarkdown(r, FILE, 2), undefined);
  });
});


describe('memory of a real run (allocations.py, Python 3.12)', function () {
  this.timeout(300000);
  const script = path.join(WORKLOADS, 'allocations.py');
  let dir: string;
  let result: MemoryResult;
  let source: string;
  const lineOf = (needle: string) => source.split('\n').findIndex(l => l.includes(needle)) + 1;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-memory-'));
    const out = path.join(dir, 'result.json');
    execFileSync(pyenvPython('3.12'), [path.join(RUNNER_ROOT, 'pyrometer_runner'), 'memory', '--out', out, '--', script],
      { cwd: WORKLOADS, timeout: 280000 });
    result = parseMemoryResult(await fs.readFile(out, 'utf8'));
    source = await fs.readFile(script, 'utf8');
  });

  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('finds the rows the cache keeps alive as the top growing site, and the cache\'s own line growing too', () => {
    // tracemalloc charges memory to the line that allocated it: the 100,000 row dicts _cache keeps are
    // rows_as_dicts' comprehension; `_cache[key] = value` holds the dict's own table (one block of ~5 MiB).
    const [top, , third] = result.diff.growth;
    assert.deepStrictEqual([top.file, top.line], [script, lineOf('[{"id": i')]);
    assert.deepStrictEqual([third.file, third.line], [script, lineOf('_cache[key] = value')]);
    assert.ok(third.bytesDiff > 4 * 1024 * 1024, `${third.bytesDiff}`);
    assert.deepStrictEqual(third.tracebacks.map(t => t.frames), [[{ file: script, line: third.line }]]);
  });

  it('decorates those lines with exactly the result\'s numbers', () => {
    const annotations = annotateMemoryFile(result, script, source);
    for (const site of result.diff.growth.slice(0, 3)) {
      const stat = result.statistics.find(s => s.file === site.file && s.line === site.line)!;
      const annotation = annotations.find(a => a.kind === 'line' && a.line === site.line - 1)!;
      assert.strictEqual(annotation.afterText,
        `  ${byteSize(stat.bytes)} in ${groupThousands(stat.blocks)} ${stat.blocks === 1 ? 'block' : 'blocks'} (${signedByteSize(site.bytesDiff)} since start)`);
      assert.strictEqual(annotation.afterText, memoryLineText(memoryRows(result).find(r => r.line === site.line && r.file === script)!));
      assert.ok(memoryHoverMarkdown(result, script, site.line)!.includes(`${groupThousands(stat.bytes)} bytes`));
    }
    const top = annotations.find(a => a.kind === 'line' && a.line === result.diff.growth[0].line - 1)!;
    assert.strictEqual(top.heat, 1);
  });

  it('puts the cache first among what the globals keep alive: a lens on `_cache = {}` naming the lines that built its contents', () => {
    const retainers = result.retainers!;
    assert.ok(retainers, 'the 3.12 runner writes a retainers block');
    const cache = retainers.roots[0];
    assert.deepStrictEqual([cache.name, cache.file, cache.line], ['_cache', script, lineOf('_cache = {}')]);
    assert.strictEqual(cache.bytes, cache.types.reduce((sum, t) => sum + t.bytes, 0));
    const lens = annotateMemoryFile(result, script, source).find(a => a.line === cache.line - 1 && a.lensText);
    assert.ok(lens, 'a lens on the line binding _cache');
    assert.strictEqual(lens!.lensText,
      `memory: _cache keeps ${byteSize(cache.bytes)} alive at the end (${groupThousands(cache.objects)} objects, the most of any global)` +
      ` · allocated at line ${lineOf('[{"id": i')} (dict, list, str, int), line ${lineOf('remember((round_')} (tuple)`);
    const rowsHover = memoryHoverMarkdown(result, script, lineOf('[{"id": i'))!;
    assert.ok(rowsHover.includes('**Kept alive at the end by**'), rowsHover);
    assert.ok(rowsHover.includes('- **\\_cache** (`allocations.py:3`) keeps'), rowsHover);
    const rootHover = memoryHoverMarkdown(result, script, cache.line)!;
    assert.ok(rootHover.includes(`in ${groupThousands(cache.objects)} objects (${groupThousands(cache.bytes)} bytes`), rootHover);
  });
});
