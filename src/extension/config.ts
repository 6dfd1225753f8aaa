import vscode = require('vscode');
import type { BenchEngine, PyperfMode } from '../runners/bench';
import type { LineTimingEngineChoice } from '../runners/lineTiming';

/** Every Pyrometer setting, read in one place with its type and default. */
export interface PyrometerConfig {
  /** Interpreter from settings; ignored in an untrusted workspace. */
  readonly pythonPath: string;
  readonly timeoutSeconds: number;
  readonly maxRunsKept: number;
  readonly callSiteMinPercent: number;
  readonly maxOutputMegabytes: number;
  /** Cap on the estimated memory of the profiles the language server holds. */
  readonly maxProfileMegabytes: number;
  readonly lineTimingEngine: LineTimingEngineChoice;
  /** tracemalloc traceback depth (1–100). */
  readonly memoryFrames: number;
  /** Seconds between extra tracemalloc snapshots; 0: start and end only. */
  readonly memoryIntervalSeconds: number;
  /** "Profile" CodeLens above test functions. */
  readonly testCodeLens: boolean;
  /** The profiler the test CodeLens runs. */
  readonly testProfiler: 'cProfile' | 'py-spy';
  /** What times Benchmark selection/function, and how long pyperf measures. */
  readonly benchEngine: BenchEngine;
  readonly pyperfMode: PyperfMode;
}

const LINE_TIMING_ENGINES: readonly LineTimingEngineChoice[] = ['auto', 'monitoring', 'settrace', 'line_profiler'];
const BENCH_ENGINES: readonly BenchEngine[] = ['auto', 'timeit', 'pyperf'];
const PYPERF_MODES: readonly PyperfMode[] = ['fast', 'default', 'rigorous'];

export function readConfig(scope?: vscode.Uri): PyrometerConfig {
  const c = vscode.workspace.getConfiguration('pyrometer', scope);
  return {
    pythonPath: vscode.workspace.isTrusted ? c.get<string>('pythonPath', '').trim() : '',
    timeoutSeconds: Math.max(0, c.get<number>('timeoutSeconds', 600)),
    maxRunsKept: Math.max(1, c.get<number>('maxRunsKept', 20)),
    callSiteMinPercent: Math.max(0, c.get<number>('callSiteMinPercent', 2)),
    maxOutputMegabytes: Math.max(1, c.get<number>('maxOutputMegabytes', 10)),
    maxProfileMegabytes: Math.max(16, c.get<number>('maxProfileMegabytes', 512)),
    memoryFrames: Math.min(100, Math.max(1, Math.round(c.get<number>('memory.tracebackFrames', 1)))),
    memoryIntervalSeconds: Math.max(0, c.get<number>('memory.snapshotIntervalSeconds', 0)),
    testCodeLens: c.get<boolean>('testCodeLens', true) !== false,
    testProfiler: c.get<string>('testProfiler') === 'py-spy' ? 'py-spy' : 'cProfile',
    lineTimingEngine: LINE_TIMING_ENGINES.find(e => e === c.get<string>('lineTiming.engine')) ?? 'auto',
    benchEngine: BENCH_ENGINES.find(e => e === c.get<string>('benchmark.engine')) ?? 'auto',
    pyperfMode: PYPERF_MODES.find(m => m === c.get<string>('benchmark.pyperfMode')) ?? 'fast',
  };
}

export function onConfigChange(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration(e => {
    if (e.affectsConfiguration('pyrometer')) listener();
  });
}
