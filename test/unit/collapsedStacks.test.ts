import * as v8 from 'v8';
import * as vm from 'vm';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseCollapsedStacks, parseFrameText, pySpyFrameKind } from '../../src/core/collapsedStacks';
import { ProfileFormatError } from '../../src/core/profileErrors';
import type { Profile } from '../../src/core/profileModel';
import { functionSampleStats, lineSampleStats } from '../../src/core/sampleStats';
import { REPO_ROOT } from '../support/pythonForTests';
import { stackSamplesOf } from '../../src/core/stackTable';

export const PYSPY_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'pyspy');
export const fixture = (name: string): string => fs.readFileSync(path.join(PYSPY_FIXTURES, name), 'utf8');

/** The reference: each non-empty line's count, read as "the text after the last space". */
function rawLines(text: string): { stack: string; count: number }[] {
  return text.split('\n').filter(l => l.trim() !== '').map(l => {
    const i = l.lastIndexOf(' ');
    return { stack: l.slice(0, i), count: Number(l.slice(i + 1)) };
  });
}

const frameNamed = (p: Profile, name: string, fileEnd = '') => {
  const found = p.frames.filter(f => f.name === name && f.file.endsWith(fileEnd));
  assert.strictEqual(found.length, 1, `frames named ${name} (${fileEnd}): ${JSON.stringify(found)}`);
  return p.frames.indexOf(found[0]);
};

describe('collapsed stacks (py-spy --format raw): real py-spy outputs', () => {
  it('calls.py: every count, the frames, their lines and kinds', () => {
    const text = fixture('calls-raw.txt');
    const p = parseCollapsedStacks(text, { rateHz: 100 });
    const ref = rawLines(text);
    assert.strictEqual(p.source, 'py-spy');
    assert.deepStrictEqual(p.functions, []);
    assert.strictEqual(p.stacks!.unit, 'samples');
    assert.strictEqual(stackSamplesOf(p.stacks!.stacks).length, ref.length);
    assert.strictEqual(p.stacks!.totalWeight, ref.reduce((n, r) => n + r.count, 0));
    assert.strictEqual(p.stacks!.rateHz, 100);
    assert.strictEqual(p.totalSeconds, p.stacks!.totalWeight / 100);
    assert.deepStrictEqual(p.stacks!.threads, []);
    for (const s of stackSamplesOf(p.stacks!.stacks)) {
      assert.strictEqual(s.thread, -1);
      assert.strictEqual(s.frames.length, s.lines.length);
    }
    const ours = p.frames.filter(f => f.file === 'calls.py').map(f => f.name).sort();
    assert.deepStrictEqual(ours, ['<module>', 'inc', 'main', 'work'].filter(n => text.includes(`${n} (calls.py:`)).sort());
    for (const f of p.frames) assert.strictEqual(f.kind, 'python', `${f.name} (${f.file})`);
    // frame.line = the smallest line seen for the frame; the stacks keep each position's own line
    const work = frameNamed(p, 'work', 'calls.py');
    const workLines = stackSamplesOf(p.stacks!.stacks).flatMap(s => s.frames.map((f, k) => (f === work ? s.lines[k] : 0))).filter(Boolean);
    assert.strictEqual(p.frames[work].line, Math.min(...workLines));
    assert.ok(workLines.every(l => l === 10 || l === 11), `work runs lines 10-11: ${workLines}`);
    // per-function totals equal the reference sums over the lines that name the function
    const stats = functionSampleStats(p);
    for (const name of ['<module>', 'main', 'work', 'inc']) {
      const expected = ref.filter(r => r.stack.includes(`${name} (calls.py:`)).reduce((n, r) => n + r.count, 0);
      const row = stats.functions.find(r => p.frames[r.frameIndex].name === name && p.frames[r.frameIndex].file === 'calls.py');
      assert.strictEqual(row?.totalSamples ?? 0, expected, name);
    }
  });

  it('--function: every frame at its def line', () => {
    const p = parseCollapsedStacks(fixture('calls-function-raw.txt'));
    const lineOf = (name: string) => p.frames[frameNamed(p, name, 'calls.py')].line;
    assert.strictEqual(lineOf('<module>'), 1);
    assert.strictEqual(lineOf('main'), 15);
    assert.strictEqual(lineOf('work'), 8);
    assert.strictEqual(lineOf('inc'), 4);
    for (const s of stackSamplesOf(p.stacks!.stacks)) {
      s.frames.forEach((f, k) => assert.strictEqual(s.lines[k], p.frames[f].line));
    }
  });

  it('--threads --idle: thread roots become ThreadInfo, not frames; counts per thread match the lines', () => {
    const text = fixture('mixed-threads-raw.txt');
    const p = parseCollapsedStacks(text);
    const threads = p.stacks!.threads;
    const names = threads.map(t => t.name).sort();
    assert.deepStrictEqual(names, ['MainThread', 'io-worker']);
    for (const t of threads) assert.match(t.id, /^\d+$/);
    assert.ok(!p.frames.some(f => f.name.startsWith('thread (')), 'a thread root became a frame');
    for (const s of stackSamplesOf(p.stacks!.stacks)) assert.ok(s.thread >= 0);
    const ref = rawLines(text);
    for (const [i, t] of threads.entries()) {
      const expected = ref.filter(r => r.stack.startsWith(`thread (${t.id})`)).reduce((n, r) => n + r.count, 0);
      const got = stackSamplesOf(p.stacks!.stacks).filter(s => s.thread === i).reduce((n, s) => n + s.weight, 0);
      assert.strictEqual(got, expected, t.name);
    }
    // "thread (TID): MainThread 1": a sample of the thread without Python frames
    const main = threads.findIndex(t => t.name === 'MainThread');
    if (ref.some(r => /^thread \(\d+\): MainThread$/.test(r.stack))) {
      assert.ok(stackSamplesOf(p.stacks!.stacks).some(s => s.thread === main && s.frames.length === 0));
    }
    const worker = threads.findIndex(t => t.name === 'io-worker');
    const workerFrames = new Set(stackSamplesOf(p.stacks!.stacks).filter(s => s.thread === worker).flatMap(s => s.frames.map(f => p.frames[f].name)));
    assert.ok(workerFrames.has('io_worker'));
    assert.ok(workerFrames.has('_bootstrap'));
    assert.ok(!workerFrames.has('parse'));
  });

  it('--threads: a thread name holding "; " stays whole, an unnamed thread has name "", one id is one thread', () => {
    const text = fixture('threads-named-raw.txt');
    const p = parseCollapsedStacks(text);
    const threads = p.stacks!.threads;
    const named = threads.findIndex(t => t.name === 'named; with space');
    assert.ok(named >= 0, JSON.stringify(threads));
    assert.ok(threads.some(t => t.name === ''), 'the _thread thread has no name');
    assert.strictEqual(new Set(threads.map(t => t.id)).size, threads.length, 'one ThreadInfo per thread id');
    // the main thread is unnamed before threading is imported: same id, the name found later
    assert.ok(threads.some(t => t.name === 'MainThread'));
    for (const s of stackSamplesOf(p.stacks!.stacks).filter(x => x.thread === named && x.frames.length > 0)) {
      assert.strictEqual(p.frames[s.frames[0]].name, '_bootstrap');
    }
    assert.ok(!p.frames.some(f => f.name.includes('with space') || f.name.startsWith(' ')), 'part of a name became a frame');
    assert.strictEqual(p.stacks!.totalWeight, rawLines(text).reduce((n, r) => n + r.count, 0));
  });

  it('--native on 3.12: native frames with kind native and no line, Python frames interleaved', () => {
    const p = parseCollapsedStacks(fixture('mixed-native-raw.txt'));
    const gc = p.frames.find(f => f.name === 'gc_collect_main');
    assert.ok(gc, 'gc_collect_main sampled');
    assert.strictEqual(gc!.file, 'libpython3.12.so.1.0');
    assert.strictEqual(gc!.kind, 'native');
    assert.strictEqual(gc!.line, 0);
    for (const f of p.frames) {
      if (f.file.endsWith('.py') || f.file.startsWith('<frozen')) assert.strictEqual(f.kind, 'python', f.name);
      if (/\.so(\.|$)|^\?$|^\[/.test(f.file)) assert.strictEqual(f.kind, 'native', `${f.name} (${f.file})`);
    }
    assert.ok(p.frames.some(f => f.kind === 'python' && f.name === 'make_cycles'));
    // a native position's line is 0
    for (const s of stackSamplesOf(p.stacks!.stacks)) {
      s.frames.forEach((f, k) => { if (p.frames[f].kind === 'native') assert.strictEqual(s.lines[k], 0); });
    }
  });

  it('--subprocesses: process roots with ";", spaces and quotes in the command line are read whole', () => {
    const text = fixture('spawn-subprocesses-raw.txt');
    const p = parseCollapsedStacks(text);
    const threads = p.stacks!.threads;
    const child = threads.findIndex(t => t.name.includes('calls.py --tag=a;b two words q"x'));
    assert.ok(child >= 0, JSON.stringify(threads));
    assert.match(threads[child].id, /^\d+$/);
    assert.match(threads[child].name, /^process \d+: \S+python\S* \S+calls\.py --tag=a;b two words q"x$/);
    const parent = threads.findIndex(t => t.name.includes('spawn_child.py'));
    assert.ok(parent >= 0 && parent !== child);
    assert.ok(!p.frames.some(f => f.name.startsWith('process ') || f.name.includes('two words') || f.file.includes('two words')),
      'part of a command line became a frame');
    const childStacks = stackSamplesOf(p.stacks!.stacks).filter(s => s.thread === child && s.frames.length > 0);
    assert.ok(childStacks.length > 0);
    for (const s of childStacks) assert.strictEqual(p.frames[s.frames[0]].name, '<module>');
    assert.ok(childStacks.some(s => s.frames.some(f => p.frames[f].name === 'inc')));
    assert.strictEqual(p.stacks!.totalWeight, rawLines(text).reduce((n, r) => n + r.count, 0));
  });
});

describe('collapsed stacks: forms py-spy writes, read exactly', () => {
  it('frame texts: file with line, file without line, bare names, parentheses in names and paths', () => {
    assert.deepStrictEqual(parseFrameText('hot (w.py:27)'), { name: 'hot', file: 'w.py', line: 27, kind: 'python' });
    assert.deepStrictEqual(parseFrameText('gc_collect_main (libpython3.12.so.1.0)'),
      { name: 'gc_collect_main', file: 'libpython3.12.so.1.0', line: 0, kind: 'native' });
    assert.deepStrictEqual(parseFrameText('0x7fe9086b36c8 (?)'), { name: '0x7fe9086b36c8', file: '?', line: 0, kind: 'native' });
    assert.deepStrictEqual(parseFrameText('0x7fe90871ab1a ([vdso])'), { name: '0x7fe90871ab1a', file: '[vdso]', line: 0, kind: 'native' });
    assert.deepStrictEqual(parseFrameText('io_worker (mixed_app.py)'), { name: 'io_worker', file: 'mixed_app.py', line: 0, kind: 'python' });
    assert.deepStrictEqual(parseFrameText('operator() (libfoo.so)'), { name: 'operator()', file: 'libfoo.so', line: 0, kind: 'native' });
    assert.deepStrictEqual(parseFrameText('f (/my dir (copy)/x.py:3)'), { name: 'f', file: '/my dir (copy)/x.py', line: 3, kind: 'python' });
    assert.deepStrictEqual(parseFrameText('_find_and_load (<frozen importlib._bootstrap>:1360)'),
      { name: '_find_and_load', file: '<frozen importlib._bootstrap>', line: 1360, kind: 'python' });
    assert.deepStrictEqual(parseFrameText('main'), { name: 'main', file: '', line: 0, kind: 'native' });
    assert.strictEqual(pySpyFrameKind('/usr/lib/x86_64-linux-gnu/libc.so.6', 0), 'native');
    assert.strictEqual(pySpyFrameKind('Modules/gcmodule.c', 1234), 'native');
    assert.strictEqual(pySpyFrameKind('/usr/local/bin/myscript', 12), 'python');
    assert.strictEqual(pySpyFrameKind('python3.12', 0), 'native');
  });

  it('empty stacks (" 1"), CRLF, blank lines and a final line without newline', () => {
    const p = parseCollapsedStacks('a (x.py:1);b (x.py:5) 3\r\n 1\r\n\r\na (x.py:2) 4');
    assert.strictEqual(p.stacks!.totalWeight, 8);
    assert.deepStrictEqual(stackSamplesOf(p.stacks!.stacks).map(s => [s.frames.length, s.weight]), [[2, 3], [0, 1], [1, 4]]);
    assert.deepStrictEqual(stackSamplesOf(p.stacks!.stacks)[0].lines, [1, 5]);
    assert.strictEqual(p.frames[0].line, 1, 'a: smallest line of 1 and 2');
    assert.strictEqual(p.totalSeconds, 0, 'no rate given');
  });

  it('a BOM, and a first frame in brackets (not JSON)', () => {
    const p = parseCollapsedStacks('\ufeff[unknown];main (m.py:3) 2\n');
    assert.deepStrictEqual(p.frames.map(f => [f.name, f.kind]), [['[unknown]', 'native'], ['main', 'python']]);
  });

  it('a full file name holding ";" stays one frame', () => {
    const p = parseCollapsedStacks('<module> (/tmp/a;b/x.py:3);f (/tmp/a;b/x.py:9) 2\n');
    assert.deepStrictEqual(p.frames.map(f => [f.name, f.file]), [['<module>', '/tmp/a;b/x.py'], ['f', '/tmp/a;b/x.py']]);
    assert.deepStrictEqual(stackSamplesOf(p.stacks!.stacks)[0].lines, [3, 9]);
  });

  it('recursion: one frame, one line per position', () => {
    const p = parseCollapsedStacks('fib (f.py:2);fib (f.py:2);fib (f.py:1) 5\n');
    assert.strictEqual(p.frames.length, 1);
    assert.deepStrictEqual(stackSamplesOf(p.stacks!.stacks)[0].frames, [0, 0, 0]);
    assert.deepStrictEqual(stackSamplesOf(p.stacks!.stacks)[0].lines, [2, 2, 1]);
    assert.strictEqual(p.frames[0].line, 1);
  });

  it('thread roots: hex ids, names with ";" and spaces, no name, name-only stacks', () => {
    const text = [
      'thread (0x7f00aa): MainThread;main (m.py:3) 2',
      'thread (0x7f00ab): named; with space;_bootstrap (threading.py:1030);spin (r.py:4) 3',
      'thread (0x7f00ac);spin (r.py:4) 1',
      'thread (0x7f00aa): MainThread 1',
      'thread (0x7f00ac) 1',
    ].join('\n');
    const p = parseCollapsedStacks(text);
    assert.deepStrictEqual(p.stacks!.threads, [
      { id: '0x7f00aa', name: 'MainThread' }, { id: '0x7f00ab', name: 'named; with space' }, { id: '0x7f00ac', name: '' },
    ]);
    assert.deepStrictEqual(stackSamplesOf(p.stacks!.stacks).map(s => [s.thread, s.frames.length, s.weight]),
      [[0, 1, 2], [1, 2, 3], [2, 1, 1], [0, 0, 1], [2, 0, 1]]);
  });

  it('process roots: nested, empty command line, a quote and ";" in the command line, with threads', () => {
    const text = [
      'process 10:"python parent.py";<module> (parent.py:6) 4',
      'process 10:"python parent.py";process 11:"python child.py a;b two words q"x";<module> (child.py:5);work (child.py:4) 7',
      'process 10:"python parent.py";process 11:"python child.py a;b two words q"x" 2',
      'process 12:"";thread (12): MainThread;<module> (p.py:1) 1',
    ].join('\n');
    const p = parseCollapsedStacks(text);
    assert.deepStrictEqual(p.stacks!.threads, [
      { id: '10', name: 'process 10: python parent.py' },
      { id: '11', name: 'process 11: python child.py a;b two words q"x' },
      { id: '12/12', name: 'MainThread (process 12)' },
    ]);
    assert.deepStrictEqual(stackSamplesOf(p.stacks!.stacks).map(s => [s.thread, s.frames.map(f => p.frames[f].name)]), [
      [0, ['<module>']], [1, ['<module>', 'work']], [1, []], [2, ['<module>']],
    ]);
    assert.deepStrictEqual(p.frames.map(f => f.file), ['parent.py', 'child.py', 'child.py', 'p.py']);
  });

  it('corrupt input: ProfileFormatError naming the line and the formats read', () => {
    const cases: [string, RegExp][] = [
      ['a (x.py:1) 3\nb (x.py:2)\n', /^Line 2 .*sample count/],
      ['a (x.py:1) 3\n\nb (x.py:2) 1.5\n', /^Line 3 /],
      ['a (x.py:1) -3\n', /^Line 1 /],
      ['justoneword\n', /^Line 1 /],
      ['a (x.py:1);;b (x.py:2) 1\n', /^Line 1 .*empty frame/],
      ['process 5:"never closed;f (x.py:1) 1\n', /^Line 1 .*process root/],
      ['a (x.py:1) 1\nbin\0ary 2\n', /^Line 2 .*NUL/],
      ['{"profiles": []}', /JSON/],
      ['  [{"a": 1}]', /JSON/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseCollapsedStacks(text), (e: unknown) => {
        assert.ok(e instanceof ProfileFormatError, String(e));
        assert.match(e.message, message);
        assert.match(e.message, /py-spy raw output|speedscope/);
        return true;
      }, text);
    }
  });

  it('an empty file is a profile with no samples (the adapter says why), not a format error', () => {
    const p = parseCollapsedStacks('');
    assert.strictEqual(p.stacks!.totalWeight, 0);
    assert.deepStrictEqual(p.frames, []);
  });
});

describe('collapsed stacks: 200,000 unique stacks', () => {
  it('the model does not keep the file\'s text alive (frame names are copies, not slices of it)', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    // 40 MB of text, almost all of it one blank line, and one frame whose name a slice would pin it by
    let text: string | undefined = `work (/srv/app/calls.py:7);thread_name_${'x'.repeat(20)} (/srv/app/m.py:1) 3\n${' '.repeat(40e6)}\n`;
    const profile = parseCollapsedStacks(text);
    text = undefined;
    // V8 keeps the subject of the last successful regex match (a slice of the text, here): match something else
    /copy/.test('a copy');
    gc();
    const retainedMb = (process.memoryUsage().heapUsed - baseline) / 1e6;
    assert.deepStrictEqual(profile.frames.map(f => f.name), ['work', `thread_name_${'x'.repeat(20)}`]);
    assert.ok(retainedMb < 10, `${retainedMb.toFixed(1)} MB still held after the text was dropped`);
  });

  it('parse and per-function / per-line stats in linear time', function () {
    this.timeout(120000);
    // A program-like file: 2,000 functions in 97 modules, random call paths 10-40 deep, every stack unique.
    const parts: string[] = [];
    const seen = new Set<string>();
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    while (parts.length < 200000) {
      const depth = 10 + rnd(30);
      const frames = ['thread (0x7f00aa): MainThread'];
      let fn = rnd(50);
      for (let d = 0; d < depth; d++) {
        fn = (fn * 31 + rnd(40) + d) % 2000;
        frames.push(`func_${fn} (pkg${fn % 40}/module_${fn % 97}.py:${10 + (fn % 400) + rnd(12)})`);
      }
      const stack = frames.join(';');
      if (seen.has(stack)) continue;
      seen.add(stack);
      parts.push(`${stack} ${1 + rnd(20)}`);
    }
    seen.clear();
    const text = parts.join('\n');
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    let t = process.cpuUsage();
    const p = parseCollapsedStacks(text);
    const parseMs = cpuMs(t);
    assert.strictEqual(stackSamplesOf(p.stacks!.stacks).length, 200000);
    assert.strictEqual(p.stacks!.threads.length, 1);
    assert.strictEqual(p.frames.length, new Set(p.frames.map(f => f.name)).size);
    t = process.cpuUsage();
    const functions = functionSampleStats(p);
    const functionsMs = cpuMs(t);
    t = process.cpuUsage();
    const lines = lineSampleStats(p);
    const linesMs = cpuMs(t);
    assert.strictEqual(functions.totalSamples, p.stacks!.totalWeight);
    assert.ok(lines.lines.length > 2000);
    // CPU time (not wall time: the CI machine is shared); measured ≈3 s, 0.1 s and 1 s for these ~120 MB here.
    // Quadratic work would take minutes.
    assert.ok(parseMs < 20000, `parse took ${parseMs.toFixed(0)} ms CPU for ${(text.length / 1e6).toFixed(0)} MB`);
    assert.ok(functionsMs < 5000, `function stats took ${functionsMs.toFixed(0)} ms CPU`);
    assert.ok(linesMs < 10000, `line stats took ${linesMs.toFixed(0)} ms CPU`);
  });
});
