import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { mapPath, orderedMappings, withMappedPaths } from '../../src/core/pathMappings';
import { FORMATS_PYROMETER_READS, sniffProfileFormat } from '../../src/core/profileFileFormat';
import { importLogSummary, profileFileSummary } from '../../src/core/profileFileSummary';
import { parseImportTime } from '../../src/core/importTime';
import { parseCollapsedStacks } from '../../src/core/collapsedStacks';
import { speedscopeWeighting } from '../../src/core/speedscopeWeights';
import { REPO_ROOT } from '../support/pythonForTests';

const bytes = (text: string | number[]): Uint8Array => (typeof text === 'string' ? new TextEncoder().encode(text) : Uint8Array.from(text));
const fixture = (dir: string, name: string): Uint8Array => fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', dir, name));
const formatOf = (head: Uint8Array, name = '') => {
  const r = sniffProfileFormat(head, name);
  return 'format' in r ? r.format : `error: ${r.error}`;
};

describe('profile file formats, told from the content', () => {
  it('real py-spy outputs: raw → collapsed, speedscope → speedscope, whatever the name', () => {
    for (const name of ['calls-raw.txt', 'mixed-threads-raw.txt', 'spawn-subprocesses-raw.txt', 'threads-named-raw.txt', 'mixed-native-raw.txt']) {
      assert.strictEqual(formatOf(fixture('pyspy', name), 'x.log'), 'collapsed', name);
    }
    assert.strictEqual(formatOf(fixture('pyspy', 'mixed-speedscope.json'), 'renamed.txt'), 'speedscope');
  });

  it('real perf script outputs (3.12 DWARF, 3.13 JIT, unresolved) → perfScript; collapsed stacks are not taken for them', () => {
    for (const name of ['py312-dwarf-script.txt', 'py313-jit-script.txt', 'py312-dwarf-unresolved.txt', 'py313-noinject-script.txt']) {
      assert.strictEqual(formatOf(fixture('perf', name), 'out.txt'), 'perfScript', name);
    }
    assert.strictEqual(formatOf(bytes('# perf script header\n#\npython 12/12 [001] 5.000001: 1001001 cpu-clock:pppH: \n\t7f00 main (/x)\n')), 'perfScript');
    assert.strictEqual(formatOf(bytes('python 12/12 5.000001: cpu-clock: \nnot a callchain\n')).startsWith('error:'), true);
    assert.strictEqual(formatOf(fixture('pyspy', 'calls-raw.txt')), 'collapsed');
  });

  it('real -X importtime logs, also with the script\'s own stderr around them', () => {
    for (const name of ['asyncio-3.12.txt', 'asyncio-3.8.txt', 'interleaved-3.12.txt']) {
      assert.strictEqual(formatOf(fixture('importtime', name)), 'importtime', name);
    }
    assert.strictEqual(formatOf(bytes('hello from the script\nimport time: self [us] | cumulative | imported package\nimport time:  10 |  10 | os\n')), 'importtime');
  });

  it('pstats: the marshal of a dict keyed by tuples, with or without FLAG_REF', () => {
    assert.strictEqual(formatOf(bytes([0xfb, 0xa9, 0x03, 0xfa, 0x04]), 'a.out'), 'pstats');
    assert.strictEqual(formatOf(bytes([0x7b, 0x29, 0x03]), 'a.out'), 'pstats');
    assert.strictEqual(formatOf(bytes([0x7b, 0x28, 0x03, 0, 0, 0]), 'a.out'), 'pstats');
    assert.strictEqual(formatOf(bytes([0x7b, 0x30]), 'empty.prof'), 'pstats', 'the reader then says it is empty');
  });

  it('Pyrometer results by their schema; a speedscope file by its $schema or its keys', () => {
    assert.strictEqual(formatOf(bytes('{"schema":"pyrometer.cprofile/1","metadata":{}}')), 'cprofileResult');
    assert.strictEqual(formatOf(bytes('\ufeff  {\n "schema" : "pyrometer.lines/1"}')), 'linesResult');
    assert.strictEqual(formatOf(bytes('{"$schema":"https://www.speedscope.app/file-format-schema.json"}')), 'speedscope');
    assert.strictEqual(formatOf(bytes('{"profiles":[],"shared":{"frames":[]}}')), 'speedscope');
  });

  it('collapsed stacks after Pyrometer\'s header comment; a first line cut by the head still counts', () => {
    assert.strictEqual(formatOf(bytes('# Pyrometer export of "a" (cProfile): ...\n\na (x.py:1);b (x.py:2) 12\n')), 'collapsed');
    assert.strictEqual(formatOf(bytes(' 1\n')), 'collapsed', 'py-spy writes an empty stack as " 1"');
    const long = `${'f (x.py:1);'.repeat(30000)}`;
    assert.strictEqual(formatOf(bytes(long.slice(0, 256 * 1024))), 'collapsed');
  });

  it('anything else: a clear error that names what Pyrometer reads', () => {
    const cases: [Uint8Array, string, RegExp][] = [
      [bytes(''), 'a.prof', /a\.prof is empty/],
      [bytes('   \n\n'), 'a.txt', /blank/],
      [bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'image.png', /binary data/],
      [bytes([0x00, 0x01, 0xff]), 'broken.prof', /broken\.prof is binary but not a pstats profile/],
      [bytes('{"schema":"pyrometer.run/1"}'), 'run.json', /run record .* not samples/],
      [bytes('{"schema":"pyrometer.cprofile/9"}'), 'r.json', /"pyrometer\.cprofile\/9"/],
      [bytes('{"name":"package","version":"1.0.0"}'), 'package.json', /neither a speedscope file .* nor a Pyrometer result/],
      [bytes('[{"ph":"X"}]'), 'trace.json', /JSON array/],
      [bytes('Hello world\nthis is prose\n'), 'notes.txt', /does not recognise notes\.txt as a profile \(its first line: "Hello world"\)/],
      [bytes('not pstats at all\n'), 'x.prof', /x\.prof is text, not a pstats profile/],
    ];
    for (const [head, name, why] of cases) {
      const r = sniffProfileFormat(head, `/some/dir/${name}`);
      assert.ok('error' in r, `${name}: ${JSON.stringify(r)}`);
      assert.match(r.error, why);
      assert.ok(r.error.endsWith(`${FORMATS_PYROMETER_READS}.`), r.error);
    }
  });
});

describe('speedscope weights: samples or durations', () => {
  it('py-spy\'s 1/rate weights are samples (the parser infers the rate)', () => {
    const json = JSON.parse(new TextDecoder().decode(fixture('pyspy', 'mixed-speedscope.json')));
    assert.deepStrictEqual(speedscopeWeighting(json), { weightsAreDurations: false });
  });
  it('weights that are not whole multiples of the smallest are durations, read to the microsecond', () => {
    const json = { profiles: [{ unit: 'milliseconds', weights: [0.007, 0.01, 1.5] }] };
    assert.deepStrictEqual(speedscopeWeighting(json), { rateHz: 1e6, weightsAreDurations: true });
    assert.deepStrictEqual(speedscopeWeighting({ profiles: [{ unit: 'none', weights: [3, 7] }] }), { weightsAreDurations: false });
  });
});

describe('path mappings', () => {
  const ordered = orderedMappings([
    { from: '/srv/app', to: '/home/me/app' },
    { from: '/srv/app/vendor/', to: '/home/me/vendor' },
    { from: 'C:\\proj', to: '/home/me/win' },
    { from: '/opt/lib', to: '/home/me/app/../lib' },
    { from: '', to: '/nowhere' },
  ]);

  it('replaces the longest matching prefix, on path boundaries only', () => {
    assert.strictEqual(mapPath('/srv/app/main.py', ordered), '/home/me/app/main.py');
    assert.strictEqual(mapPath('/srv/app/vendor/x/y.py', ordered), '/home/me/vendor/x/y.py');
    assert.strictEqual(mapPath('/srv/app', ordered), '/home/me/app');
    assert.strictEqual(mapPath('/srv/application/main.py', ordered), '/srv/application/main.py');
    assert.strictEqual(mapPath('~', ordered), '~');
    assert.strictEqual(mapPath('<frozen importlib._bootstrap>', ordered), '<frozen importlib._bootstrap>');
  });

  it('maps a Windows profile onto a POSIX checkout, resolves .. that `to` brings', () => {
    assert.strictEqual(mapPath('C:\\proj\\pkg\\mod.py', ordered), '/home/me/win/pkg/mod.py');
    assert.strictEqual(mapPath('/opt/lib/a.py', ordered), '/home/me/lib/a.py');
    assert.strictEqual(mapPath('/x/a.py', orderedMappings([{ from: '/x', to: 'D:\\work' }])), 'D:\\work\\a.py');
  });

  it('a profile: frames, cwd and script mapped; untouched when nothing maps', () => {
    const p = parseCollapsedStacks('<module> (/srv/app/main.py:3);work (/srv/app/w.py:9);len (~) 4\n');
    const withCwd = { ...p, metadata: { ...p.metadata, cwd: '/srv/app', script: '/srv/app/main.py' } };
    const mapped = withMappedPaths(withCwd, [{ from: '/srv/app', to: '/ws' }]);
    assert.deepStrictEqual(mapped.frames.map(f => f.file), ['/ws/main.py', '/ws/w.py', '~']);
    assert.deepStrictEqual([mapped.metadata.cwd, mapped.metadata.script], ['/ws', '/ws/main.py']);
    assert.strictEqual(withMappedPaths(withCwd, [{ from: '/elsewhere', to: '/ws' }]), withCwd);
  });
});

describe('the one-line summary of a profile file', () => {
  it('says the format, the totals in the tool\'s units, how it was read and whether files are in the workspace', () => {
    const base = { fileName: 'run.prof', format: 'pstats' as const, source: 'cProfile' as const, tool: 'cProfile (file)', totalSeconds: 1.23456,
      totalSamples: 0, functionCount: 1234, threads: 0, pythonVersion: '3.12.1', framesMapped: 0, sourceFiles: 3, workspaceFiles: 2 };
    assert.strictEqual(profileFileSummary(base),
      'run.prof — pstats file (cProfile): 1,234 functions, 1.235 s of own time in all · read with Python 3.12.1 · 2 of 3 source files are in this workspace');
    assert.match(profileFileSummary({ ...base, workspaceFiles: 0, framesMapped: 5 }), /5 frame paths mapped .* none of its 3 source files is in this workspace \(set pyrometer\.pathMappings/);
    assert.strictEqual(profileFileSummary({ ...base, fileName: 'a.collapsed', format: 'collapsed', source: 'py-spy', totalSamples: 4123, rateHz: 100, threads: 2, functionCount: 9, sourceFiles: 0 }),
      'a.collapsed — collapsed stacks: 4,123 samples at 100/s (41.23 s), 9 functions · 2 threads');
    assert.match(profileFileSummary({ ...base, format: 'speedscope', source: 'py-spy', totalSamples: 1500000, weightsAreDurations: true, derivedFromCallGraph: true }),
      /1\.500 s over 1,234 functions \(weights are durations, counted in µs\) · stacks derived from cProfile caller edges/);
  });

  it('import logs: imports and time spent importing', () => {
    const tree = parseImportTime(new TextDecoder().decode(fixture('importtime', 'asyncio-3.12.txt')));
    assert.match(importLogSummary('x.log', tree), new RegExp(`^x\\.log — -X importtime log: ${tree.nodes.length.toLocaleString('en-US')} imports · ${(tree.topLevelCumulativeUs / 1000).toFixed(1)} ms importing`));
  });
});
