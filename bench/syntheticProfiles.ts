import { seededRandom } from './seededRandom';

/** A runner result (docs/runner-protocol.md) with `functionCount` functions over `fileCount` files. */
export function syntheticCProfileResult(functionCount: number, fileCount: number, seed = 42): string {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const functions = Array.from({ length: functionCount }, (_, i) => {
    const callers = Array.from({ length: pick(5) }, () => {
      const c = pick(functionCount);
      return { file: `/src/pkg/mod${c % fileCount}.py`, line: 1 + (c % 5000), name: `f${c}`,
        totalCalls: 1 + pick(1000), primitiveCalls: 1 + pick(1000), selfSeconds: random(), cumulativeSeconds: random() * 2 };
    });
    return { file: `/src/pkg/mod${i % fileCount}.py`, line: 1 + (i % 5000), name: `f${i}`,
      primitiveCalls: 1 + pick(100000), totalCalls: 1 + pick(100000), selfSeconds: random(), cumulativeSeconds: random() * 2, callers };
  });
  return JSON.stringify({
    schema: 'pyrometer.cprofile/1', totalSeconds: functionCount / 2,
    metadata: { python: { version: '3.12.1' }, cwd: '/src', exitCode: 0, exception: null },
    functions,
  });
}

/** A Python file of `lineCount` lines where every fifth line starts a profiled function f<line>. */
export function syntheticPythonFile(lineCount: number): string {
  const lines: string[] = [];
  for (let i = 0; lines.length < lineCount; i++) {
    const line = lines.length + 1;
    lines.push(`def f${line}(x):`, `    y = f${line + 5}(x)`, '    z = len(str(y))', '    return y + z', '');
  }
  return lines.slice(0, lineCount).join('\n');
}
