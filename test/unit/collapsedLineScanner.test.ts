import * as assert from 'assert';
import { CollapsedLineScanner, END_OF_INPUT, FrameResolution, NOT_PLAIN } from '../../src/core/collapsedLineScanner';
import { stackSamplesOf } from '../../src/core/stackTable';

/**
 * The WebAssembly fast path on its own. The fuzz suite checks it agrees with the line reader; these check it does
 * read plain lines itself (a module that declined every line would agree too).
 */
/** A plain line as the module stored it, or a declined one (count NOT_PLAIN) with its text and number. */
interface LineRead { readonly count: number; readonly frames: readonly number[]; readonly lines: readonly number[]; readonly text?: string; readonly lineNumber?: number }

/** Thread of the marker stack appended for each declined line, so the columns keep every line in file order. */
const DECLINED = -7;

function scanAll(text: string, resolve?: (segment: string, colon: number) => FrameResolution | undefined) {
  const bytes = new TextEncoder().encode(text);
  const decode = (from: number, to: number) => new TextDecoder().decode(bytes.subarray(from, to));
  const seen: string[] = [];
  const keys = new Map<string, number>();
  const scanner = CollapsedLineScanner.of(bytes);
  const onNew = (from: number, to: number, colon: number): FrameResolution | undefined => {
    const segment = decode(from, to);
    seen.push(segment);
    if (resolve) return resolve(segment, colon);
    const key = colon >= 0 ? decode(from, colon) : segment;
    let frame = keys.get(key);
    if (frame === undefined) keys.set(key, frame = keys.size);
    return { frame, lineIsSuffix: colon >= 0 };
  };
  const declined: { text: string; lineNumber: number }[] = [];
  for (let start = 0; ;) {
    if (scanner.readPlainLines(start, onNew) === END_OF_INPUT) break;
    declined.push({ text: decode(scanner.lineStart, scanner.lineEnd), lineNumber: scanner.lineNumber });
    scanner.endStack(0, DECLINED);
    start = scanner.next;
  }
  let d = 0;
  const read: LineRead[] = stackSamplesOf(scanner.build()).map(s => (s.thread === DECLINED
    ? { count: NOT_PLAIN, frames: [], lines: [], ...declined[d++] }
    : { count: s.weight, frames: s.frames, lines: s.lines }));
  return { read, seen, totalWeight: scanner.totalWeight };
}

describe('CollapsedLineScanner: plain lines read in WebAssembly', () => {
  it('reads plain lines: counts, frames keyed by the text before `:LINE)`, each line; a new text resolved once', () => {
    const { read, seen, totalWeight } = scanAll('main (a.py:3);work (a.py:10) 5\nmain (a.py:4);work (a.py:11);zlib (libz.so) 12\nmain (a.py:3) 1');
    assert.deepStrictEqual(read, [
      { count: 5, frames: [0, 1], lines: [3, 10] },
      { count: 12, frames: [0, 1, 2], lines: [4, 11, 0] },
      { count: 1, frames: [0], lines: [3] },
    ]);
    assert.deepStrictEqual(seen, ['main (a.py:3)', 'work (a.py:10)', 'zlib (libz.so)']);
    assert.strictEqual(totalWeight, 18);
  });

  it('a CR before the newline, 15-digit counts and lines, texts longer than a word', () => {
    const long = `f_${'y'.repeat(40)} (${'d/'.repeat(20)}m.py:123456789012345)`;
    const { read } = scanAll(`${long};g (b.py:1) 999999999999999\r\n`);
    assert.deepStrictEqual(read.map(r => [r.count, r.frames, r.lines]), [[999999999999999, [0, 1], [123456789012345, 1]]]);
  });

  it('declines what the line reader must read, and says where each line is', () => {
    const lines = [
      'thread (12);f (a.py:1) 2', 'process 7:"python x";f (a.py:1) 2', 'f (a.py:1);;g (a.py:2) 1', 'f (a.py:1)',
      'f (a.py:1) 1234567890123456', 'f (a.py:1234567890123456) 1', 'f\0 (a.py:1) 1', '', 'f (a.py:1) x', ' 4',
    ];
    const { read } = scanAll(lines.join('\n') + '\n');
    assert.deepStrictEqual(read.map(r => r.count), lines.map(() => NOT_PLAIN));
    assert.deepStrictEqual(read.map(r => r.text), lines);
    assert.deepStrictEqual(read.map(r => r.lineNumber), lines.map((_, i) => i + 1));
  });

  it('keeps file order and line numbers when plain and declined lines alternate', () => {
    const { read } = scanAll('f (a.py:1) 2\nthread (1);f (a.py:1) 3\ng (a.py:9);f (a.py:2) 4\n\nf (a.py:5) 1\n');
    assert.deepStrictEqual(read.map(r => [r.count, r.frames, r.lineNumber]), [
      [2, [0], undefined], [NOT_PLAIN, [], 2], [4, [1, 0], undefined], [NOT_PLAIN, [], 4], [1, [0], undefined],
    ]);
  });

  it('declines a line whose count would take the total past 2^53, for the line reader to say so', () => {
    // Nine lines of 10^15 - 1 add up to less than 2^53 (~9.007 × 10^15); a tenth would not.
    const { read, totalWeight } = scanAll('f (a.py:1) 999999999999999\n'.repeat(10));
    assert.deepStrictEqual(read.map(r => r.count), [...Array(9).fill(999999999999999), NOT_PLAIN]);
    assert.strictEqual(totalWeight, 9 * 999999999999999);
  });

  it('a text the caller will not resolve declines its line, and is offered again on the next', () => {
    const { read, seen } = scanAll('h (p;f (a.py:1) 1\nh (p 2\n', segment => (segment === 'h (p' ? undefined : { frame: 0, lineIsSuffix: true }));
    assert.deepStrictEqual(read.map(r => r.count), [NOT_PLAIN, NOT_PLAIN]);
    assert.deepStrictEqual(seen, ['h (p', 'h (p']);
  });

  it('keys with a common prefix and lengths around 8-byte words stay apart', () => {
    const names = Array.from({ length: 40 }, (_, i) => 'n'.repeat(1 + i));
    const text = names.map((n, i) => `${n} (x.py:${i + 1}) 1`).join('\n') + '\n' + names.map(n => `${n} (x.py:2)`).reverse().join(';') + ' 3\n';
    const { read } = scanAll(text);
    assert.deepStrictEqual(read.slice(0, 40).map(r => r.frames[0]), names.map((_, i) => i));
    assert.deepStrictEqual(read[40].frames, names.map((_, i) => 39 - i));
    assert.strictEqual(read[40].count, 3);
  });

  it('keys whose hashes collide stay apart: found by their bytes, not their hash', () => {
    // 300,000 keys of 15 bytes that differ only after their first word: among 2^32 hashes, ~10 pairs collide.
    const keyCount = 300_000;
    const key = (i: number) => `f (pkg/m${i.toString(36).padStart(7, '0')}`;
    const keys = Array.from({ length: keyCount }, (_, i) => key(i));
    const hasher = CollapsedLineScanner.of(new TextEncoder().encode(keys.join('\n')));
    const byHash = new Map<number, number>();
    const pairs: [string, string][] = [];
    keys.forEach((k, i) => {
      const h = hasher.hashOf(i * 16, i * 16 + 15);
      const other = byHash.get(h);
      if (other !== undefined) pairs.push([keys[other], k]);
      else byHash.set(h, i);
    });
    assert.ok(pairs.length > 0, 'no two keys collided: the test proves nothing');
    for (const [a, b] of pairs) {
      const { read } = scanAll(`${a}:1) 1\n${b}:2) 1\n${a}:3);${b}:4) 2\n`);
      assert.deepStrictEqual(read.map(r => [r.frames, r.lines]), [[[0], [1]], [[1], [2]], [[0, 1], [3, 4]]], `${a} / ${b}`);
    }
  });
});
