/**
 * The one profile model every source is turned into. Figures keep the units and the exact values the
 * underlying tool produced (pstats seconds as floats), so what the editor shows equals what the tool printed.
 */

export type FrameKind = 'python' | 'native' | 'builtin' | 'import';

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
}

export interface Profile {
  readonly source: 'cProfile';
  readonly metadata: RunMetadata;
  readonly frames: readonly Frame[];
  readonly functions: readonly FunctionStats[];
  /** pstats' total_tt: the sum of every function's own time, the denominator of "% of total". */
  readonly totalSeconds: number;
}
