import * as assert from 'assert';
import { countInput, readFixture } from './parserProperties';
import { parseIsolated } from './isolatedParse';

/**
 * "Never hang, never take memory unbounded by input size": each parser on inputs built to hit its worst case (a
 * million-character line, 10⁵ nested frames, pathological regex and paren input, deep JSON nesting, counts and
 * weights near the float limits), each in a worker with a heap cap and a deadline. Linear parsers take well under
 * a second on these; the deadline is generous for a shared 2-CPU machine, and a quadratic parser takes hours.
 * The model's JSON must stay within a constant factor of the input's length.
 */
const LIMITS = { timeoutMs: 30_000, heapMb: 384 };
const SIZE_FACTOR = 40;
const SIZE_SLACK_CHARS = 100_000;

interface Case { readonly name: string; readonly input: () => string | Uint8Array }

function describeAdversarial(parser: string, module: string, exportName: string, cases: readonly Case[], extraArgs: unknown[] = []): void {
  describe(`${parser}: adversarial inputs`, function () {
    this.timeout(LIMITS.timeoutMs + 10_000);
    for (const c of cases) {
      it(`${c.name}: ends in time with a bounded model or a ProfileFormatError`, async () => {
        const input = c.input();
        const outcome = await parseIsolated(module, exportName, input, LIMITS, extraArgs);
        assert.ok(outcome.kind === 'model' || outcome.kind === 'typed',
          `${parser} on ${c.name} (${input.length} chars): ${JSON.stringify(outcome).slice(0, 500)}`);
        countInput(`${parser} (adversarial)`, outcome.kind);
        if (outcome.kind === 'model') {
          assert.ok(outcome.modelChars <= SIZE_FACTOR * input.length + SIZE_SLACK_CHARS,
            `model of ${outcome.modelChars} chars from ${input.length} input chars`);
        } else {
          assert.ok(outcome.message.length > 0 && outcome.message.length < 2000, `message length ${outcome.message.length}`);
        }
      });
    }
  });
}

const M = 1_000_000;
const lines = (n: number, line: (i: number) => string): string => Array.from({ length: n }, (_, i) => line(i)).join('\n');
const deepJson = '['.repeat(M) + ']'.repeat(M);

describeAdversarial('parseCollapsedStacks', 'collapsedStacks', 'parseCollapsedStacks', [
  { name: 'one line of a million characters without a count', input: () => 'a'.repeat(M) },
  { name: 'a stack 10^5 frames deep', input: () => 'f (a.py:1);'.repeat(100_000) + 'f (a.py:2) 1' },
  { name: 'a stack 10^5 frames deep, all distinct', input: () => Array.from({ length: 100_000 }, (_, i) => `f${i} (a.py:${i})`).join(';') + ' 1' },
  { name: 'unbalanced parentheses between 2·10^5 semicolons', input: () => '(;'.repeat(200_000) + 'x 1' },
  { name: 'an unclosed paren then 3·10^5 frames', input: () => 'a (b;' + 'c;'.repeat(300_000) + 'd 1' },
  { name: 'a process root with 3·10^5 quote-semicolons', input: () => 'process 1:"' + '";'.repeat(300_000) + ' 1' },
  { name: 'a thread name with 3·10^5 semicolons', input: () => 'thread (1): ' + 'x;'.repeat(300_000) + ' 1' },
  { name: '2·10^5 empty stacks', input: () => lines(200_000, () => ' 1') },
  { name: 'a count of a million digits', input: () => 'a ' + '9'.repeat(M) },
  { name: 'a line number of a million digits', input: () => 'a (f.py:' + '9'.repeat(M) + ') 1' },
  { name: 'a frame of a million colons', input: () => 'a (' + ':'.repeat(M) + ') 1' },
  { name: 'counts that add up past 2^53', input: () => lines(2000, (i) => `f${i} (a.py:1) 9007199254740991`) },
], [{ rateHz: 100 }]);

const speedscope = (frames: unknown[], samples: unknown[][], weights: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: [{ type: 'sampled', name: 'Thread 1 "MainThread"', unit: 'seconds', startValue: 0, endValue: 1, samples, weights, ...extra }],
  });
describeAdversarial('parseSpeedscope', 'speedscope', 'parseSpeedscope', [
  { name: 'one sample 10^5 frames deep', input: () => speedscope([{ name: 'f', file: '/a.py', line: 1 }], [Array(100_000).fill(0)], [0.01]) },
  { name: '10^5 frames and 10^5 samples', input: () => speedscope(
    Array.from({ length: 100_000 }, (_, i) => ({ name: `f${i}`, file: '/a.py', line: i + 1 })),
    Array.from({ length: 100_000 }, (_, i) => [i]), Array(100_000).fill(0.01)) },
  { name: 'endValue 1e308 and weights from 1e-300 to 1e308', input: () => speedscope([{ name: 'f', file: '/a.py', line: 1 }],
    [[0], [0]], [1e-300, 1e308], { endValue: 1e308 }) },
  { name: 'unit none, weights 2^53 each', input: () => speedscope([{ name: 'f', file: '/a.py', line: 1 }],
    Array.from({ length: 1000 }, () => [0]), Array(1000).fill(2 ** 53), { unit: 'none' }) },
  { name: 'a million-deep JSON nesting', input: () => deepJson },
  { name: 'a profile name of a million characters', input: () => speedscope([], [[]], [1], { name: 'Thread ' + 'x'.repeat(M) }) },
  { name: 'a thread frame name of a million characters', input: () => speedscope([{ name: 'thread (1): ' + 'x'.repeat(M), file: '', line: 0 }], [[0]], [0.01]) },
]);

const header = 'import time: self [us] | cumulative | imported package';
describeAdversarial('parseImportTime', 'importTime', 'parseImportTime', [
  { name: 'imports nested 2000 deep (children first)', input: () => header + '\n' + lines(2001, (i) => `import time: 1 | 1 | ${'  '.repeat(2000 - i)}m${i}`) },
  { name: '2·10^5 imports at depth 3 then one root', input: () => header + '\n' + lines(200_000, (i) => `import time: 1 | 1 |       m${i}`) + '\nimport time: 1 | 1 | root' },
  { name: 'a line of a million spaces after the prefix', input: () => header + '\nimport time:' + ' '.repeat(M) },
  { name: 'a million spaces of indentation before two words', input: () => header + '\nimport time: 1 | 1 | ' + ' '.repeat(M) + 'a b' },
  { name: 'a million-digit self time', input: () => header + '\nimport time: ' + '9'.repeat(M) + ' | 1 | m' },
  { name: '10^5 headers', input: () => lines(100_000, () => header) },
  { name: 'the prefix 10^5 times on one line', input: () => header + '\n' + 'import time:'.repeat(100_000) },
]);

const cprofileSeed = readFixture('runner/cprofile-calls.json');
const manyFunctions = (): string => {
  const root = JSON.parse(cprofileSeed) as { functions: unknown[] };
  const one = root.functions[0] as Record<string, unknown>;
  root.functions = Array.from({ length: 20_000 }, (_, i) => ({ ...one, name: `f${i}`, callers: [{ ...one, name: `g${i}`, totalCalls: 1, primitiveCalls: 1, selfSeconds: 0, cumulativeSeconds: 0 }] }));
  return JSON.stringify(root);
};
const longFileName = (seed: string): string => seed.replace(/"file": ?"[^"]*"/, `"file": "${'x'.repeat(M)}"`);
for (const [name, module, exportName, seedFile] of [
  ['parseCProfileResult', 'cprofileResult', 'parseCProfileResult', 'runner/cprofile-calls.json'],
  ['parseLineTimingResult', 'lineTimingResult', 'parseLineTimingResult', 'runner/lines-calls.json'],
  ['parseMemoryResult', 'memoryResult', 'parseMemoryResult', 'runner/memory-mixed.json'],
  ['parseEventsResult', 'eventsResult', 'parseEventsResult', 'runner/events-mixed.json'],
  ['parseBytecodeResult', 'bytecodeResult', 'parseBytecodeResult', 'runner/bytecode-attributes.json'],
] as const) {
  const seed = readFixture(seedFile);
  describeAdversarial(name, module, exportName, [
    { name: 'a million-deep JSON nesting', input: () => deepJson },
    { name: 'a file name of a million characters', input: () => longFileName(seed) },
    { name: 'the seed followed by a million spaces and garbage', input: () => seed + ' '.repeat(M) + 'x' },
    ...(module === 'cprofileResult' ? [{ name: '20,000 functions with callers', input: manyFunctions }] : []),
  ]);
}

const head = (text: string): Uint8Array => new TextEncoder().encode(text).slice(0, 256 * 1024);
describeAdversarial('sniffProfileFormat', 'profileFileFormat', 'sniffProfileFormat', [
  { name: 'a full head of " (" without a ";"', input: () => head('a' + ' ('.repeat(200_000)) },
  { name: 'a full head of "a (b) " ending in ";" nowhere', input: () => head('x (y) '.repeat(60_000)) },
  { name: 'a full head of digits after spaces', input: () => head(' 1'.repeat(200_000)) },
  { name: 'a JSON head of "$schema" keys without quotes closing', input: () => head('{' + '"$schema": "speed'.repeat(20_000)) },
  { name: 'a JSON head of "schema" keys and spaces', input: () => head('{' + '"schema"   '.repeat(30_000)) },
]);
