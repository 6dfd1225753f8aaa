import type { EventsResult } from './eventsResult';
import type { MemoryResult } from './memoryResult';

/**
 * The one profile model every source is turned into. Figures keep the units and the exact values the
 * underlying tool produced (pstats seconds as floats), so what the editor shows equals what the tool printed.
 */

/**
 * python: a Python function; native: C/C++ code in the interpreter, libc or an extension; builtin: pstats' builtins;
 * import: an import (importtime); kernel: the OS kernel (perf); jit: generated code no symbol names (perf).
 */
export type FrameKind = 'python' | 'native' | 'builtin' | 'import' | 'kernel' | 'jit';

export interface Frame {
  readonly name: string;
  /** Absolute path when it could be resolved against the run's cwd; otherwise as the tool recorded it. */
  readonly file: string;
  /** First line of the function (1-based); 0 when the tool has none (builtins). */
  readonly line: number;
  readonly kind: FrameKind;
}

/** One caller → callee edge as pstats records it: the figures of the callee attributable to that caller. */
export interface CallEdgeStats {
  readonly callerIndex: number;
  readonly totalCalls: number;
  readonly primitiveCalls: number;
  readonly selfSeconds: number;
  readonly cumulativeSeconds: number;
}

export interface FunctionStats {
  readonly frameIndex: number;
  readonly primitiveCalls: number;
  readonly totalCalls: number;
  readonly selfSeconds: number;
  readonly cumulativeSeconds: number;
  readonly callers: readonly CallEdgeStats[];
}

export interface PythonBuild {
  readonly version: string;
  readonly implementation: string;
  readonly executable: string;
  readonly compiler?: string;
  readonly debugBuild?: boolean;
  readonly optimizeLevel?: number;
  readonly gilDisabled?: boolean;
  /** Built with --disable-gil (3.13t), whether or not the GIL is off in this run. */
  readonly freeThreadingBuild?: boolean;
  /** How the interpreter was compiled (sysconfig); absent in results written before it was recorded. */
  readonly buildFlags?: PythonBuildFlags;
}

/** Compile-time facts from sysconfig; null where sysconfig does not say. */
export interface PythonBuildFlags {
  /** --enable-optimizations (profile-guided optimisation). */
  readonly pgo: boolean | null;
  /** --with-lto, or -flto in the C flags. */
  readonly lto: boolean | null;
  /** The C compiler's -O level, e.g. "-O3". */
  readonly cOptimization: string | null;
  /** C assertions compiled in (no -DNDEBUG). */
  readonly assertions: boolean | null;
  /** --enable-experimental-jit (3.13+). */
  readonly jitBuild: boolean | null;
  /** The JIT was built in and PYTHON_JIT did not turn it off. */
  readonly jitEnabled: boolean | null;
  readonly configureArgs: string | null;
}

/** The workspace's git checkout when the run was made. */
export interface GitHead {
  readonly commit: string;
  /** null when HEAD was detached. */
  readonly branch: string | null;
  readonly root: string;
}

/** The machine and environment a run was measured in. */
export interface MachineInfo {
  readonly cpuModel: string;
  /** Logical CPUs of the machine, and those the process was allowed to run on (affinity, containers). */
  readonly cpuCount: number;
  readonly cpusUsable: number;
  /** Every PYTHON* environment variable the target saw. */
  readonly pythonEnv: Readonly<Record<string, string>>;
  readonly git: GitHead | null;
}

export interface TargetException {
  readonly type: string;
  readonly message: string;
  readonly traceback: string;
  /** start: the script could not be started; compile: syntax error; run: raised while running. */
  readonly phase: 'start' | 'compile' | 'run';
}

export interface RunMetadata {
  readonly tool: string;
  readonly python: PythonBuild;
  readonly platform: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly script: string;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly exitCode: number;
  readonly exception: TargetException | null;
  readonly threadsSeen: number;
  readonly capabilities: Readonly<Record<string, boolean>>;
  /** The command that runs the target the same way without Pyrometer; absent in older results and files. */
  readonly commandLine?: readonly string[];
  /** Absent in older results and in profile files (they do not record where they were taken). */
  readonly machine?: MachineInfo;
}

export type ProfileSource = 'cProfile' | 'py-spy' | 'line timing' | 'tracemalloc' | 'events' | 'perf';

export interface ThreadInfo {
  /** The OS thread id as the tool reports it (py-spy: hex in collapsed files), or a synthetic index. */
  readonly id: string;
  readonly name: string;
}

/**
 * Every unique stack of a sampled profile, in columns: stack i's frames (indices into `Profile.frames`, root first)
 * are `frames[starts[i]]` to `frames[starts[i + 1] - 1]`, with the line executing in each at the same positions of
 * `lines` (the leaf's current line, the parents' call sites; 0 where the source has no line). One set of typed arrays
 * for the whole profile: a big profile's stacks cost no objects (src/core/stackTable.ts reads and builds them).
 */
export interface StackTable {
  /** Number of stacks. */
  readonly length: number;
  /** length + 1 offsets into `frames` and `lines`. */
  readonly starts: Uint32Array;
  readonly frames: Int32Array;
  readonly lines: Float64Array;
  /** Samples (or weight) per stack. */
  readonly weights: Float64Array;
  /** Per stack, an index into `StackSamples.threads`, or -1 when the source has no threads. */
  readonly threads: Int32Array;
}

/** One unique stack and how many samples (or how much weight) it got: a StackTable's row as an object. */
export interface StackSample {
  /** Frame indices into `Profile.frames`, root first. */
  readonly frames: readonly number[];
  /**
   * Per position, the line executing in that frame: the leaf's current line, the parents' call sites
   * (py-spy's default). 0 where the source has no line.
   */
  readonly lines: readonly number[];
  readonly weight: number;
  /** Index into `StackSamples.threads`, or -1 when the source has no threads. */
  readonly thread: number;
}

export interface StackSamples {
  readonly unit: 'samples';
  readonly stacks: StackTable;
  readonly threads: readonly ThreadInfo[];
  /** Sum of all weights (samples), the denominator of every "% of samples". */
  readonly totalWeight: number;
  /** Samples per second when known (py-spy --rate), to show seconds beside samples. */
  readonly rateHz?: number;
}

export interface Profile {
  readonly source: ProfileSource;
  readonly metadata: RunMetadata;
  readonly frames: readonly Frame[];
  /** Per-function pstats figures (cProfile); empty for sampled sources. */
  readonly functions: readonly FunctionStats[];
  /** Sampled stacks (py-spy); absent for cProfile, which records caller edges, not stacks. */
  readonly stacks?: StackSamples;
  /** Deterministic line timing: per-line hits and times of the functions in scope. */
  readonly lineTimings?: LineTimings;
  /** tracemalloc: allocations by line at the end, growth since the start, tracebacks of the growing lines. */
  readonly memory?: MemoryResult;
  /** GC collections and raised exceptions per site. */
  readonly events?: EventsResult;
  /** pstats' total_tt for cProfile (sum of own times); for sampled sources, samples / rate when the rate is known, else 0. */
  readonly totalSeconds: number;
}

/** One executable line of a timed function: how often it ran and how long it took, callees included. */
export interface LineCost {
  /** 1-based line as recorded. */
  readonly line: number;
  readonly hits: number;
  readonly totalNs: number;
}

/** A function in the line timer's scope: its activations and every executable line (hits 0 when never run). */
export interface TimedFunction {
  readonly frameIndex: number;
  readonly qualname: string;
  /** co_firstlineno: the first decorator's line for decorated functions. */
  readonly firstLine: number;
  readonly lastLine: number;
  readonly calls: number;
  /** Time inside the function over all activations, callees included, suspension (yield/await) excluded. */
  readonly totalNs: number;
  readonly lines: readonly LineCost[];
}

export interface LineTimingEngine {
  /** "sys.monitoring", "settrace" or "line_profiler". */
  readonly name: string;
  readonly version: string | null;
  readonly timer: string;
  /** Something the user should read about this run's figures. */
  readonly note: string | null;
}

export interface LineTimings {
  readonly engine: LineTimingEngine;
  readonly functions: readonly TimedFunction[];
  /** Requested lines that are inside no function (the scope asked for nothing there). */
  readonly unmatched: readonly { readonly file: string; readonly line: number; readonly reason: string }[];
}
