import * as assert from 'assert';
import fc from 'fast-check';
import { parseCollapsedStacks, parseCollapsedStacksLineByLine } from '../../../src/core/collapsedStacks';
import { ProfileFormatError } from '../../../src/core/profileErrors';
import type { Profile } from '../../../src/core/profileModel';
import { describeParserFuzz, FUZZ_SEED, readFixture } from './parserProperties';
import { assertProfileIndices } from './profileChecks';
import { stackSamplesOf } from '../../../src/core/stackTable';

const OPTIONS = { rateHz: 100 };

type Outcome = { model: Profile } | { error: string };

function outcome(parse: () => Profile): Outcome {
  try {
    return { model: parse() };
  } catch (e) {
    if (e instanceof ProfileFormatError) return { error: e.message };
    throw e;
  }
}

/**
 * Parses with the byte-level fast path and with the line-by-line reader alone, and fails (with an AssertionError,
 * which the fuzz property counts as a failure) unless both give the same model or the same error.
 */
function parseBothWays(input: string | Uint8Array): Profile {
  const fast = outcome(() => parseCollapsedStacks(input, OPTIONS));
  const lineByLine = outcome(() => parseCollapsedStacksLineByLine(input, OPTIONS));
  assert.deepStrictEqual(fast, lineByLine, 'the fast path and the line-by-line reader disagree');
  if ('error' in fast) throw new ProfileFormatError(fast.error);
  return fast.model;
}

describeParserFuzz({
  name: 'parseCollapsedStacks (py-spy raw / collapsed stacks)',
  parse: parseBothWays,
  seeds: ['calls-raw.txt', 'calls-function-raw.txt', 'mixed-native-raw.txt', 'mixed-threads-raw.txt',
    'spawn-subprocesses-raw.txt', 'threads-named-raw.txt'].map((f) => readFixture(`pyspy/${f}`)),
  json: false,
  checkModel: assertProfileIndices,
}, { random: 2000, mutated: 4000 });

describe('collapsed stacks: the byte-level fast path reads every line as the line-by-line reader does', function () {
  this.timeout(120_000);
  // Frame texts the two readers could tell apart if they differed: a line suffix or not, one parsed as a bare name
  // although it ends in `:3)`, leading zeros, too many digits, pieces of a frame split by ';', roots, non-ASCII,
  // invalid UTF-8, NUL, empty.
  const utf8 = (text: string) => [...new TextEncoder().encode(text)];
  const frameBytes = fc.oneof(
    fc.constantFrom(
      'f (a.py:3)', 'f (a.py:12)', 'f (a.py:007)', 'f (a.py:0)', 'g(x.py:3)', '(:5)', 'f (:5)', 'a:1 (b)', 'f (a.py:)',
      'f (a.py:1234567890123456)', 'f (a.py:99999999999999999999)', 'h (p', 'q (r.py:3)', 'thread (12)', 'thread (7): T;x',
      'process 1:"a;b"', '[unknown]', 'x (lib.so)', 'x (lib.so.1:2)', 'é (ü.py:2)', 'f (a b.py:4)', 'op() (libfoo.so)',
      'f ((a).py:5)', 'f (a.py:5))', '', ' ', 'f\0 (a.py:1)',
    ).map(utf8),
    fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xef, 0xbb, 0xbf], [0x66, 0x20, 0x28, 0xff, 0x3a, 0x31, 0x29]),
  );
  const line = fc.tuple(
    fc.array(frameBytes, { maxLength: 6 }),
    fc.oneof(fc.constantFrom(' 1', ' 20', ' 007', '  3', ' ', ' 12345678901234567', ' x', '', ' 5\r').map(utf8)),
  ).map(([frames, count]) => {
    const out: number[] = [];
    frames.forEach((f, i) => { if (i > 0) out.push(59); out.push(...f); });
    return [...out, ...count];
  });
  const file = fc.tuple(fc.boolean(), fc.array(line, { maxLength: 8 })).map(([bom, lines]) => {
    const out: number[] = bom ? [0xef, 0xbb, 0xbf] : [];
    for (const l of lines) out.push(...l, 10);
    return Uint8Array.from(out);
  });

  it('on generated files of plain and odd lines (bytes, invalid UTF-8 included): the same model or error', () => {
    fc.assert(fc.property(file, (bytes) => {
      try {
        parseBothWays(bytes);
      } catch (e) {
        if (!(e instanceof ProfileFormatError)) throw e;
      }
    }), { seed: FUZZ_SEED, numRuns: 3000 });
  });

  it('a frame first seen on a line the fast path declines, then on a plain line, and the other way round', () => {
    const texts = [
      'thread (1);f (a.py:3);g(x.py:3) 2\nf (a.py:5);g(x.py:4) 1\n',
      'f (a.py:5);g(x.py:4) 1\nthread (1);f (a.py:3);g(x.py:3) 2\n',
      'h (p;q (r.py:3);f (a.py:2) 1\nq (r.py:9) 4\nh (p;q (r.py:3) 2\n',
    ];
    for (const text of texts) {
      const model = parseBothWays(text);
      assert.ok(stackSamplesOf(model.stacks!.stacks).length >= 2, text);
    }
    // `g(x.py:3)` and `g(x.py:4)` are two bare names, without lines (the line reader used to take the second for
    // the first, at line 4).
    const p = parseBothWays(texts[0]);
    assert.deepStrictEqual(p.frames.map(f => f.name), ['f', 'g(x.py:3)', 'g(x.py:4)']);
    assert.deepStrictEqual(stackSamplesOf(p.stacks!.stacks).map(s => s.lines), [[3, 0], [5, 0]]);
  });

  it('stacks deeper than the fast path\'s first buffers (256 frames), then shorter and declined lines', () => {
    const deep = (n: number) => Array.from({ length: n }, (_, i) => `f${i % 90} (m${i % 7}.py:${i + 1})`).join(';');
    const text = `${deep(600)} 3\n${deep(257)} 2\nf0 (m0.py:9) 1\nthread (5);${deep(270)} 4\n${deep(256)} 1\n`;
    const model = parseBothWays(text);
    assert.deepStrictEqual(stackSamplesOf(model.stacks!.stacks).map(s => s.frames.length), [600, 257, 1, 270, 256]);
    assert.deepStrictEqual(stackSamplesOf(model.stacks!.stacks)[0].lines.slice(595), [596, 597, 598, 599, 600]);
    assert.deepStrictEqual(stackSamplesOf(model.stacks!.stacks).map(s => s.weight), [3, 2, 1, 4, 1]);
  });

  it('30,000 distinct frame texts of every length from 1 to 70 bytes (its tables, key store and memory grow mid-file)', () => {
    // Long enough to grow each table several times and the module's memory while lines are read, with keys ending
    // at every offset within the 8-byte words they are hashed and compared by.
    const name = (i: number) => `n${i}_${'x'.repeat(i % 67)}`;
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i += 3) {
      lines.push(`${name(i)} (m${i % 11}.py:${i + 1});${name(i + 1)} (lib.so);${name(i + 2)} ${1 + (i % 5)}`);
      if (i % 999 === 0) lines.push(`${name(i)} (m${i % 11}.py:7);${name(i + 1)} (lib.so);${name(2)} 1`);
    }
    const model = parseBothWays(lines.join('\n') + '\n');
    assert.strictEqual(model.frames.length, 30_000);
    assert.strictEqual(stackSamplesOf(model.stacks!.stacks).length, lines.length);
    const again = stackSamplesOf(model.stacks!.stacks)[1];
    assert.deepStrictEqual(again.frames, [0, 1, 2]);
    assert.deepStrictEqual(again.lines, [7, 0, 0]);
  });
});
