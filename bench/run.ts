/**
 * npm run bench: Pyrometer's own speed, as ratios against a floor measured in the same run
 * (the floor is what any reader must pay: JSON.parse, splitting lines). Not a test: nothing here asserts a time.
 */
import * as os from 'os';
import { CallGraph } from '../src/core/callGraph';
import { parseCProfileResult } from '../src/core/cprofileResult';
import { DEFAULT_FUNCTION_TABLE_QUERY, FunctionTable } from '../src/core/functionTablePage';
import { annotateFile } from '../src/core/lineAnnotations';
import type { Profile } from '../src/core/profileModel';
import { syntheticCProfileResult, syntheticPythonFile } from './syntheticProfiles';
import { pairedMediansMs } from './timing';


interface Row { readonly case: string; readonly floorMs: number; readonly oursMs: number }

function cprofileModel(): Row {
  const text = syntheticCProfileResult(50_000, 500);
  const { floorMs, oursMs } = pairedMediansMs(7, () => JSON.parse(text), () => {
    const profile = parseCProfileResult(text);
    new CallGraph(profile);
    // What the server does for the table: sort all functions, build the first page's rows.
    return new FunctionTable(profile).page(DEFAULT_FUNCTION_TABLE_QUERY);
  });
  return { case: `cProfile result, 50,000 functions (${(text.length / 1e6).toFixed(1)} MB): parse + model + table's first page vs JSON.parse`, floorMs, oursMs };
}

function codeLensForLargeFile(): Row {
  const source = syntheticPythonFile(5_000);
  const defs = source.split('\n').map((l, i) => [l, i + 1] as const).filter(([l]) => l.startsWith('def '));
  const file = '/src/big.py';
  const index = new Map(defs.map(([, line], i) => [line, i]));
  const profile: Profile = {
    source: 'cProfile', totalSeconds: defs.length,
    metadata: { tool: 'cProfile', python: { version: '3.12.1', implementation: 'cpython', executable: '' }, platform: '', argv: [], cwd: '/src',
      script: file, startedAt: '', wallSeconds: 1, cpuSeconds: 1, exitCode: 0, exception: null, threadsSeen: 0, capabilities: {} },
    frames: defs.map(([, line]) => ({ name: `f${line}`, file, line, kind: 'python' as const })),
    functions: defs.map(([, line], i) => ({
      frameIndex: i, primitiveCalls: 10, totalCalls: 10, selfSeconds: 0.5, cumulativeSeconds: 1,
      callers: index.has(line - 5) ? [{ callerIndex: index.get(line - 5)!, totalCalls: 10, primitiveCalls: 10, selfSeconds: 0.5, cumulativeSeconds: 1 }] : [],
    })),
  };
  const graph = new CallGraph(profile);
  const { floorMs, oursMs } = pairedMediansMs(7, () => source.split(/\r?\n/).map(l => l.trimStart()),
    () => annotateFile(graph, file, source, { callSiteMinFraction: 0 }));
  return { case: `CodeLens + call sites for a 5,000-line file with ${defs.length} profiled defs vs splitting its lines`, floorMs, oursMs };
}

const rows = [cprofileModel(), codeLensForLargeFile()];
console.log(`Pyrometer benchmarks — ${new Date().toISOString()}`);
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; ${os.platform()} ${os.release()}; median of 7, floor and Pyrometer alternated`);
console.log('');
console.log('| case | floor (ms) | Pyrometer (ms) | ratio |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.case} | ${r.floorMs.toFixed(1)} | ${r.oursMs.toFixed(1)} | ${(r.oursMs / r.floorMs).toFixed(2)}× |`);
