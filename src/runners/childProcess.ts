import { spawn } from 'child_process';

/** One profiler child process: argv only (never a shell), streamed output, cancel and timeout kill its whole tree. */
export interface ProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** 0 = no timeout. */
  readonly timeoutMs: number;
  /** Output forwarded to the listeners beyond this is dropped (with one notice), so a flood cannot swamp the editor. */
  readonly maxForwardedBytes?: number;
}

export type ProcessEnd = 'exited' | 'cancelled' | 'timedOut' | 'failedToStart';

export interface ProcessOutcome {
  readonly end: ProcessEnd;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why it could not start (ENOENT, EACCES…), when end is failedToStart. */
  readonly startError?: string;
  /** The last part of stderr, for error messages. */
  readonly stderrTail: string;
  readonly forwardedBytes: number;
  readonly droppedBytes: number;
}

export interface ProcessListeners {
  readonly onStdout?: (text: string) => void;
  readonly onStderr?: (text: string) => void;
  readonly signal?: AbortSignal;
  /** The child's pid, once started: it is also its process group's id (the group cancel kills). */
  readonly onSpawn?: (pid: number) => void;
}

const STDERR_TAIL_CHARS = 8192;
const KILL_GRACE_MS = 2000;

export function runProcess(spec: ProcessSpec, listeners: ProcessListeners = {}): Promise<ProcessOutcome> {
  return new Promise(resolve => {
    let stderrTail = '';
    let forwardedBytes = 0;
    let droppedBytes = 0;
    let end: ProcessEnd = 'exited';
    const limit = spec.maxForwardedBytes ?? Number.POSITIVE_INFINITY;

    if (listeners.signal?.aborted) {
      resolve({ end: 'cancelled', exitCode: null, signal: null, stderrTail: '', forwardedBytes: 0, droppedBytes: 0 });
      return;
    }
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd, env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so cancel can kill the script and everything it started.
      detached: process.platform !== 'win32', windowsHide: true,
    });
    if (child.pid !== undefined) listeners.onSpawn?.(child.pid);

    const forward = (chunk: Buffer, listener?: (text: string) => void) => {
      if (forwardedBytes + chunk.length > limit) {
        if (droppedBytes === 0) listener?.(`\n[Pyrometer: output beyond ${limit} bytes is not shown]\n`);
        droppedBytes += chunk.length;
        return;
      }
      forwardedBytes += chunk.length;
      listener?.(chunk.toString('utf8'));
    };
    child.stdout.on('data', (chunk: Buffer) => forward(chunk, listeners.onStdout));
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
      forward(chunk, listeners.onStderr);
    });

    let graceTimer: NodeJS.Timeout | undefined;
    const killTree = (why: ProcessEnd) => {
      if (end === 'exited') end = why;
      signalGroup(child.pid, 'SIGTERM');
      graceTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const onAbort = () => killTree('cancelled');
    listeners.signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutTimer = spec.timeoutMs > 0 ? setTimeout(() => killTree('timedOut'), spec.timeoutMs) : undefined;

    let settled = false;
    const finish = (outcome: Omit<ProcessOutcome, 'stderrTail' | 'forwardedBytes' | 'droppedBytes'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      listeners.signal?.removeEventListener('abort', onAbort);
      resolve({ ...outcome, stderrTail, forwardedBytes, droppedBytes });
    };
    child.on('error', err => finish({ end: 'failedToStart', exitCode: null, signal: null, startError: err.message }));
    child.on('exit', () => {
      // Children the script left behind would keep the pipes open: the run is over, so they go too.
      signalGroup(child.pid, 'SIGKILL');
    });
    child.on('close', (code, sig) => finish({ end, exitCode: code, signal: sig }));
  });
}

function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, sig);
  } catch {
    // Already gone.
  }
}
