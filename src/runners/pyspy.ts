import { constants as fsConstants, promises as fs } from 'fs';
import path = require('path');
import { parseCollapsedStacks } from '../core/collapsedStacks';
import { parseRunMetadata } from '../core/cprofileResult';
import { asObject } from '../core/jsonFields';
import { resolveFrameFile } from '../core/frameFiles';
import { ProfileFormatError } from '../core/profileErrors';
import type { Frame, Profile, RunMetadata, StackTable } from '../core/profileModel';
import { emptyStackTable, smallestLines, StackTableBuilder, stackWeightSum } from '../core/stackTable';
import { parseSpeedscope } from '../core/speedscope';
import { ProcessListeners, ProcessOutcome, ProcessSpec, runProcess } from './childProcess';
import { readCollapsedFile } from './collapsedFileRead';
import { isFile } from './fileChecks';
import { RUNNER_METADATA_FILE } from './runFolders';
import { ScriptLaunchRequest, targetArgv, targetSubject } from './runnerLaunch';

/**
 * The py-spy adapter: build py-spy's argv, run it through childProcess (cancel, timeout, output cap), keep its own
 * status lines out of the script's output, and say in the user's terms why a run gave no profile.
 *
 * py-spy 0.4.2, as observed here (see also docs in shared/docs/python-facts.md):
 * - Launch: `py-spy record … -- PYTHON <runner> run --out RUN.json -- SCRIPT ARGS`. py-spy does not pass the
 *   script's exit status on (0 after sys.exit(3)), and about half the runs it exits 1 with
 *   `Error: No child process (os error 10)` AFTER writing a valid file: the output file is trusted, not the exit
 *   code, and the script's exit status comes from the runner's RUN.json (schema pyrometer.run/1).
 * - Its status lines go to stdout, mixed with the script's: `py-spy> Sampling process 100 times a second. …`
 *   followed by an empty line, and at the end an empty line, `py-spy> Stopped sampling because process exited`,
 *   `py-spy> Wrote raw flamegraph data to 'F'. Samples: N Errors: M` and a hint line. Those (and their two empty
 *   lines) are filtered out of the forwarded stdout and kept in `statusLines`.
 * - Errors go to stderr as `Error: …` (plus `Caused by:` and, with RUST_BACKTRACE set, a Rust backtrace); a
 *   non-root user without ptrace rights gets `Permission Denied: Try running again with elevated permissions …`.
 * - `--duration` takes whole seconds only (1.5 makes it panic).
 * - A script that ends before py-spy attaches gives `Failed to get process executable name` and no file, or a file
 *   holding only an empty stack (` 1`).
 */

export type PySpyFormat = 'raw' | 'speedscope';

export interface PySpySampling {
  readonly format: PySpyFormat;
  /** Samples per second (py-spy --rate); a whole number ≥ 1. */
  readonly rateHz: number;
  /** --native: C/C++/Cython frames too. */
  readonly native?: boolean;
  /** --idle: keep samples of threads that are waiting, not running. */
  readonly idle?: boolean;
  /** --gil: only samples of the thread holding the GIL. */
  readonly gil?: boolean;
  /** --threads: a thread root per stack (raw); speedscope always separates threads. */
  readonly threads?: boolean;
  /** --subprocesses: also sample the processes the script starts. */
  readonly subprocesses?: boolean;
  /** --nonblocking: do not pause the process to sample (cheaper, occasionally inconsistent stacks). */
  readonly nonblocking?: boolean;
  /** --full-filenames (default true): absolute file names, so frames link to their source. */
  readonly fullFilenames?: boolean;
  /** --function: the function's first line in every frame instead of the executing line. */
  readonly functionLines?: boolean;
}

export interface PySpyRecordRequest extends ScriptLaunchRequest {
  /** The py-spy executable (see findPySpy). */
  readonly pySpy: string;
  readonly sampling: PySpySampling;
}

export interface PySpyAttachRequest {
  readonly pySpy: string;
  readonly pid: number;
  /** How long to sample; rounded to whole seconds (at least 1), which is all py-spy accepts. */
  readonly durationSeconds: number;
  readonly cwd: string;
  readonly runDir: string;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly sampling: PySpySampling;
  /** The interpreter of the selected environment, only to say how to install py-spy into it. */
  readonly python?: string;
}

export interface PySpyFiles {
  /** py-spy's output (raw text or speedscope JSON). */
  readonly profilePath: string;
  /** The runner's `run` result (launch only): exit status, exception, times, interpreter. */
  readonly metaPath: string;
  /** The script's adaptive bytecode after the run (launch only; `run --bytecode-out`): untouched by any profiler hook. */
  readonly bytecodePath: string;
}

export type PySpyFailureKind =
  | 'notInstalled' | 'permissionDenied' | 'unsupportedPython' | 'notPython' | 'noSamples'
  | 'cancelled' | 'timedOut' | 'failed';

export interface PySpyFailure {
  readonly kind: PySpyFailureKind;
  readonly message: string;
}

export interface PySpyRunOutcome {
  readonly mode: 'launch' | 'attach';
  readonly files: PySpyFiles;
  readonly format: PySpyFormat;
  readonly rateHz: number;
  /** [py-spy, ...args], for the output channel. */
  readonly argv: readonly string[];
  readonly process: ProcessOutcome;
  /** py-spy wrote its output file and the run was neither cancelled nor timed out (its exit code does not matter). */
  readonly hasProfile: boolean;
  /** The runner wrote RUN.json: the script ran to its end, whatever py-spy said. */
  readonly hasMetadata: boolean;
  /** py-spy's own `py-spy> …` lines, without the prefix. */
  readonly statusLines: readonly string[];
  /** From `Samples: N Errors: M`, when py-spy printed it. */
  readonly samples?: number;
  readonly sampleErrors?: number;
  /** Why there is no profile to show; absent when hasProfile (an empty profile is found by loadPySpyProfile). */
  readonly failure?: PySpyFailure;
  /** What loadPySpyProfile needs to turn the file into the model. */
  readonly load: PySpyLoadRequest;
}

export interface PySpyLoadRequest {
  readonly mode: 'launch' | 'attach';
  readonly format: PySpyFormat;
  readonly profilePath: string;
  /** launch: the runner's result; its metadata becomes the profile's. */
  readonly metaPath?: string;
  readonly rateHz: number;
  /** launch: the runner package directory, whose frames (and runpy's) are removed from the stacks. */
  readonly runnerPackageDir?: string;
  /** Whether py-spy wrote absolute file names; relative ones (3.8's co_filename) are then cwd-relative. */
  readonly fullFilenames: boolean;
  /** For messages: the script (launch) or the process (attach). */
  readonly subject: string;
  readonly durationSeconds?: number;
  readonly idle?: boolean;
}

/** Raised by loadPySpyProfile when the file holds nothing to show; `failure.message` is for the user. */
export class PySpyProfileError extends Error {
  constructor(readonly failure: PySpyFailure) {
    super(failure.message);
    this.name = 'PySpyProfileError';
  }
}

export function pySpyFiles(runDir: string, format: PySpyFormat): PySpyFiles {
  return {
    profilePath: path.join(runDir, format === 'raw' ? 'pyspy-raw.txt' : 'pyspy-speedscope.json'),
    metaPath: path.join(runDir, RUNNER_METADATA_FILE),
    bytecodePath: path.join(runDir, 'bytecode.json'),
  };
}

/** `record --format F -o FILE --rate N [flags]`, shared by launch and attach. */
export function pySpyRecordOptions(s: PySpySampling, outputPath: string): string[] {
  const args = ['record', '--format', s.format, '-o', outputPath, '--rate', String(wholeRate(s.rateHz))];
  if (s.native) args.push('--native');
  if (s.idle) args.push('--idle');
  if (s.gil) args.push('--gil');
  if (s.threads) args.push('--threads');
  if (s.subprocesses) args.push('--subprocesses');
  if (s.nonblocking) args.push('--nonblocking');
  if (s.fullFilenames !== false) args.push('--full-filenames');
  if (s.functionLines) args.push('--function');
  return args;
}

/** py-spy's arguments to launch SCRIPT through the runner's `run` subcommand. */
export function pySpyRecordArgv(req: PySpyRecordRequest, files: PySpyFiles): string[] {
  return [...pySpyRecordOptions(req.sampling, files.profilePath), '--',
    req.python, path.join(req.runnerRoot, 'pyrometer_runner'), 'run', '--out', files.metaPath,
    '--bytecode-out', files.bytecodePath, '--', ...targetArgv(req.target, req.args)];
}

/** py-spy's arguments to sample a running process for a while. */
export function pySpyAttachArgv(req: PySpyAttachRequest, files: PySpyFiles): string[] {
  return [...pySpyRecordOptions(req.sampling, files.profilePath),
    '--pid', String(req.pid), '--duration', String(wholeSeconds(req.durationSeconds))];
}

function wholeRate(rateHz: number): number {
  return Number.isFinite(rateHz) ? Math.max(1, Math.round(rateHz)) : 100;
}

function wholeSeconds(seconds: number): number {
  return Number.isFinite(seconds) ? Math.max(1, Math.round(seconds)) : 1;
}

/** Runs py-spy with its status lines taken out of the stdout the listener sees (they are kept in the filter). */
async function runPySpyProcess(spec: ProcessSpec, listeners: ProcessListeners): Promise<{ outcome: ProcessOutcome; filter: PySpyOutputFilter }> {
  const filter = new PySpyOutputFilter();
  const onStdout = listeners.onStdout;
  const outcome = await runProcess(spec, {
    ...listeners,
    onStdout: text => {
      const shown = filter.push(text);
      if (shown) onStdout?.(shown);
    },
  });
  const rest = filter.end();
  if (rest) onStdout?.(rest);
  return { outcome, filter };
}

export async function runPySpyRecord(req: PySpyRecordRequest, listeners: ProcessListeners = {}): Promise<PySpyRunOutcome> {
  await fs.mkdir(req.runDir, { recursive: true });
  const files = pySpyFiles(req.runDir, req.sampling.format);
  await Promise.all([files.profilePath, files.metaPath, files.bytecodePath].map(f => fs.rm(f, { force: true })));
  const args = pySpyRecordArgv(req, files);
  const { outcome, filter } = await runPySpyProcess({
    command: req.pySpy, args, cwd: req.cwd, env: req.env, timeoutMs: req.timeoutMs, maxForwardedBytes: req.maxForwardedBytes,
  }, listeners);
  const finished = outcome.end === 'exited';
  const hasProfile = finished && await isFile(files.profilePath);
  const hasMetadata = finished && await isFile(files.metaPath);
  const facts: PySpyFacts = {
    mode: 'launch', pySpy: req.pySpy, python: req.python, subject: targetSubject(req.target),
    process: outcome, hasProfile, hasMetadata, status: filter, timeoutMs: req.timeoutMs,
  };
  return {
    mode: 'launch', files, format: req.sampling.format, rateHz: wholeRate(req.sampling.rateHz),
    argv: [req.pySpy, ...args], process: outcome, hasProfile, hasMetadata,
    statusLines: filter.statusLines, samples: filter.samples, sampleErrors: filter.sampleErrors,
    failure: classifyPySpyRun(facts),
    load: {
      mode: 'launch', format: req.sampling.format, profilePath: files.profilePath, metaPath: files.metaPath,
      rateHz: wholeRate(req.sampling.rateHz), runnerPackageDir: path.join(path.resolve(req.runnerRoot), 'pyrometer_runner'),
      fullFilenames: req.sampling.fullFilenames !== false, subject: targetSubject(req.target), idle: req.sampling.idle,
    },
  };
}

export async function runPySpyAttach(req: PySpyAttachRequest, listeners: ProcessListeners = {}): Promise<PySpyRunOutcome> {
  await fs.mkdir(req.runDir, { recursive: true });
  const files = pySpyFiles(req.runDir, req.sampling.format);
  await fs.rm(files.profilePath, { force: true });
  const args = pySpyAttachArgv(req, files);
  const { outcome, filter } = await runPySpyProcess(
    { command: req.pySpy, args, cwd: req.cwd, env: req.env, timeoutMs: req.timeoutMs }, listeners);
  const hasProfile = outcome.end === 'exited' && await isFile(files.profilePath);
  const subject = `process ${req.pid}`;
  const facts: PySpyFacts = {
    mode: 'attach', pySpy: req.pySpy, python: req.python, subject, pid: req.pid,
    process: outcome, hasProfile, hasMetadata: false, status: filter, timeoutMs: req.timeoutMs,
  };
  return {
    mode: 'attach', files, format: req.sampling.format, rateHz: wholeRate(req.sampling.rateHz),
    argv: [req.pySpy, ...args], process: outcome, hasProfile, hasMetadata: false,
    statusLines: filter.statusLines, samples: filter.samples, sampleErrors: filter.sampleErrors,
    failure: classifyPySpyRun(facts),
    load: {
      mode: 'attach', format: req.sampling.format, profilePath: files.profilePath, rateHz: wholeRate(req.sampling.rateHz),
      fullFilenames: req.sampling.fullFilenames !== false, subject,
      durationSeconds: wholeSeconds(req.durationSeconds), idle: req.sampling.idle,
    },
  };
}

// ---- py-spy's stdout ---------------------------------------------------------------------------------------------

const STATUS_PREFIX = 'py-spy> ';
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const SAMPLES = /Samples: (\d+) Errors: (\d+)/;

/**
 * Separates py-spy's status lines from the script's output on their shared stdout, as a stream: text is forwarded
 * as soon as it cannot be the start of a status line (a partial line of the script's goes out at once).
 * py-spy prints one empty line after `Sampling process …` and one before `Stopped sampling …`: exactly those two
 * are dropped too (the first empty line after the former; an empty line directly before any other status line).
 * The script's output may come before `Sampling process …` (py-spy slow to start): a trailing empty line of the
 * script's is kept then.
 */
export class PySpyOutputFilter {
  readonly statusLines: string[] = [];
  samples?: number;
  sampleErrors?: number;
  private pending = '';
  private passing = false;
  private heldBlank = false;
  private dropNextBlank = false;

  push(chunk: string): string {
    const parts: string[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.passing) {
        const nl = chunk.indexOf('\n', i);
        if (nl < 0) {
          parts.push(chunk.slice(i));
          break;
        }
        parts.push(chunk.slice(i, nl + 1));
        this.passing = false;
        i = nl + 1;
        continue;
      }
      const nl = chunk.indexOf('\n', i);
      const text = this.pending + chunk.slice(i, nl < 0 ? chunk.length : nl);
      if (nl < 0) {
        const plain = text.replace(ANSI, '');
        if (plain.startsWith(STATUS_PREFIX) || STATUS_PREFIX.startsWith(plain)) {
          this.pending = text; // may still be a status line (or an empty one)
        } else {
          this.releaseBlank(parts);
          parts.push(text);
          this.pending = '';
          this.passing = true;
        }
        break;
      }
      this.pending = '';
      i = nl + 1;
      this.line(text, parts);
    }
    return parts.join('');
  }

  /** At the end of the stream: what is still held back. */
  end(): string {
    const parts: string[] = [];
    if (this.pending) {
      const plain = this.pending.replace(ANSI, '');
      if (plain.startsWith(STATUS_PREFIX)) this.status(plain.slice(STATUS_PREFIX.length));
      else {
        this.releaseBlank(parts);
        parts.push(this.pending);
      }
      this.pending = '';
    }
    this.releaseBlank(parts);
    return parts.join('');
  }

  private line(text: string, parts: string[]): void {
    const bare = text.endsWith('\r') ? text.slice(0, -1) : text;
    const plain = bare.replace(ANSI, '');
    if (plain.startsWith(STATUS_PREFIX)) {
      const status = plain.slice(STATUS_PREFIX.length);
      // py-spy prints an empty line of its own before "Stopped sampling …" (dropped), none before "Sampling
      // process …": that line can come after the script's first output when py-spy is slow to start (a loaded
      // machine), so an empty line held then is the script's and goes out.
      if (status.startsWith('Sampling process')) this.releaseBlank(parts);
      else this.heldBlank = false;
      this.status(status);
      return;
    }
    if (bare === '') {
      if (this.dropNextBlank) {
        this.dropNextBlank = false; // py-spy's own empty line after "Sampling process …"
        return;
      }
      this.releaseBlank(parts);
      this.heldBlank = true;
      return;
    }
    this.releaseBlank(parts);
    parts.push(`${text}\n`);
  }

  private status(text: string): void {
    this.statusLines.push(text);
    if (text.startsWith('Sampling process')) this.dropNextBlank = true;
    const m = SAMPLES.exec(text);
    if (m) {
      this.samples = Number(m[1]);
      this.sampleErrors = Number(m[2]);
    }
  }

  private releaseBlank(parts: string[]): void {
    if (this.heldBlank) {
      parts.push('\n');
      this.heldBlank = false;
    }
  }
}

// ---- why a run gave no profile ---------------------------------------------------------------------------------

export interface PySpyFacts {
  readonly mode: 'launch' | 'attach';
  readonly pySpy: string;
  /** The selected interpreter, for the install hint. */
  readonly python?: string;
  /** The script's name (launch) or `process PID` (attach). */
  readonly subject: string;
  readonly pid?: number;
  readonly process: ProcessOutcome;
  readonly hasProfile: boolean;
  readonly hasMetadata: boolean;
  readonly status?: { readonly samples?: number };
  readonly timeoutMs?: number;
}

/** How to install py-spy into the selected environment. */
export function pySpyInstallHint(python?: string): string {
  const py = python ? quoteArg(python) : 'python';
  return `Install it into the selected environment with "${py} -m pip install py-spy" (or put py-spy on PATH), then try again.`;
}

/** The failure to show for a py-spy run, or undefined when its output file is there to be read. */
export function classifyPySpyRun(f: PySpyFacts): PySpyFailure | undefined {
  const p = f.process;
  if (p.end === 'cancelled') {
    return { kind: 'cancelled', message: f.mode === 'launch'
      ? `Sampling ${f.subject} was cancelled; the script and everything it started were stopped. No results are shown.`
      : `Sampling ${f.subject} was cancelled (the process itself keeps running). No results are shown.` };
  }
  if (p.end === 'timedOut') {
    const seconds = f.timeoutMs ? ` after ${Math.round(f.timeoutMs / 1000)} s` : '';
    return { kind: 'timedOut', message: f.mode === 'launch'
      ? `${f.subject} was still running${seconds} and was stopped. Raise "pyrometer.timeoutSeconds" if it needs longer. No results are shown.`
      : `py-spy did not finish sampling ${f.subject}${seconds} and was stopped. No results are shown.` };
  }
  if (p.end === 'failedToStart') {
    const why = p.startError ?? 'unknown error';
    if (/ENOENT/.test(why)) {
      return { kind: 'notInstalled', message: `py-spy was not found (${f.pySpy}). ${pySpyInstallHint(f.python)}` };
    }
    if (/EACCES/.test(why)) {
      return { kind: 'notInstalled', message: `py-spy at ${f.pySpy} could not be run (${why}): it is not executable. Reinstall it: ${pySpyInstallHint(f.python)}` };
    }
    return { kind: 'failed', message: `py-spy (${f.pySpy}) could not be started: ${why}.` };
  }
  if (f.hasProfile) return undefined; // trust the file, not the exit code (see the header)

  const error = pySpyError(p.stderrTail);
  if (/Permission Denied|permission denied|Operation not permitted|os error 1\)|os error 13\)|SYS_PTRACE/.test(error)) {
    const whom = f.mode === 'attach' ? f.subject : `the interpreter running ${f.subject}`;
    return { kind: 'permissionDenied', message: `py-spy was not allowed to read ${whom} (ptrace: permission denied). ` +
      'Run VS Code as the same user as the process (or run py-spy as root); in a container, start it with ' +
      '"--cap-add SYS_PTRACE"; on Linux with Yama, allow tracing with "sudo sysctl kernel.yama.ptrace_scope=0". ' +
      `py-spy said: ${error}` };
  }
  const unsupported = /Unsupported version of Python:?\s*([0-9][\w.+-]*)?/.exec(error);
  if (unsupported) {
    const version = unsupported[1] ? ` ${unsupported[1]}` : '';
    return { kind: 'unsupportedPython', message: `This py-spy cannot sample Python${version} (py-spy 0.4.2 reads CPython 3.8 to 3.13.0). ` +
      'Upgrade py-spy ("python -m pip install -U py-spy"), choose another interpreter, or use cProfile. ' +
      `py-spy said: ${error}` };
  }
  const gone = /Failed to get process executable name|Check that the process is running|No such process|No child process/.test(error);
  if (f.mode === 'launch' && f.hasMetadata) {
    // The runner wrote its result: the script ran to its end before py-spy could take a sample.
    return { kind: 'noSamples', message: `${f.subject} finished before py-spy could take a sample, so there is nothing to show. ` +
      'Profile a longer run (or raise the sampling rate).' };
  }
  if (f.mode === 'attach' && gone) {
    return { kind: 'failed', message: `${f.subject} is not running (or ended while py-spy attached). py-spy said: ${error}` };
  }
  if (/Failed to find python version|Failed to find a python interpreter|No python processes found|Failed to find _PyRuntime|Both python and libpython are invalid/.test(error)) {
    return { kind: 'notPython', message: f.mode === 'attach'
      ? `py-spy found no Python interpreter it can read in ${f.subject}. Check the process id, and that it runs CPython 3.8 to 3.13. py-spy said: ${error}`
      : `py-spy found no Python interpreter it can read in the process it started for ${f.subject}. Check the interpreter (CPython 3.8 to 3.13). py-spy said: ${error}` };
  }
  if (f.status?.samples === 0) {
    return { kind: 'noSamples', message: `py-spy collected no samples of ${f.subject}.` };
  }
  const how = p.signal ? `was killed by ${p.signal}` : `exited with code ${p.exitCode}`;
  return { kind: 'failed', message: `py-spy ${how} without writing a profile${error ? `: ${error}` : ''}. See the Pyrometer output for details.` };
}

/** py-spy's error from stderr: the last `Error: …` (or `Permission Denied…`) and its causes, without a backtrace. */
export function pySpyError(stderrTail: string): string {
  const lines = stderrTail.split(/\r?\n/);
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^(Error: |Permission Denied)/.test(lines[i]) || /^thread '.*' panicked at /.test(lines[i])) {
      start = i;
      break;
    }
  }
  if (start < 0) return lines.map(l => l.trim()).filter(Boolean).pop()?.slice(0, 300) ?? '';
  const kept: string[] = [];
  for (let i = start; i < lines.length && kept.length < 8; i++) {
    const line = lines[i].trim();
    if (/^(Stack backtrace:|stack backtrace:|note: )/.test(line)) break;
    if (line && line !== 'Caused by:') kept.push(line.replace(/^\d+: /, ''));
  }
  return kept.join(' ').slice(0, 600);
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

// ---- the profile ---------------------------------------------------------------------------------------------------

export const RUN_SCHEMA = 'pyrometer.run/1';

/** The runner's `run` result (pyrometer.run/1) → its metadata, read exactly as the cprofile result's is. */
export function parseRunResult(text: string): RunMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProfileFormatError('The run result is not valid JSON (the run may have been cut short).', (e as Error).message);
  }
  const root = raw as { schema?: unknown; metadata?: unknown } | null;
  if (!root || typeof root !== 'object' || root.schema !== RUN_SCHEMA) {
    throw new ProfileFormatError(`Unknown run result schema ${JSON.stringify(root?.schema)}; expected ${RUN_SCHEMA}.`);
  }
  // The metadata block is the cprofile result's: one reader for both.
  return parseRunMetadata(asObject(root.metadata, 'metadata'));
}

export async function loadRunMetadata(metaPath: string): Promise<RunMetadata> {
  return parseRunResult(await fs.readFile(metaPath, 'utf8'));
}

/**
 * Reads a py-spy run's output into the model: parses the file, takes the runner's metadata (launch), removes the
 * runner's own frames and samples, resolves relative file names against the run's cwd. Throws ProfileFormatError
 * for an unreadable file and PySpyProfileError('noSamples') when no sample holds a frame of the program.
 */
export async function loadPySpyProfile(req: PySpyLoadRequest): Promise<Profile> {
  // Raw output is read as bytes, into the collapsed reader's memory: it decodes only what it needs.
  const content = req.format === 'raw' ? await readCollapsedFile(req.profilePath) : await fs.readFile(req.profilePath, 'utf8');
  let metadata: RunMetadata | undefined;
  if (req.metaPath && await isFile(req.metaPath)) metadata = { ...await loadRunMetadata(req.metaPath), tool: 'py-spy' };
  const options = { metadata, rateHz: req.rateHz };
  let profile = typeof content === 'string' ? parseSpeedscope(content, options) : parseCollapsedStacks(content, options);
  if (req.runnerPackageDir) profile = withoutRunnerFrames(profile, req.runnerPackageDir);
  if (req.fullFilenames && metadata?.cwd) profile = withResolvedFiles(profile, metadata.cwd);
  const table = profile.stacks?.stacks ?? emptyStackTable();
  let withFrames = 0;
  for (let i = 0; i < table.length; i++) if (table.starts[i + 1] > table.starts[i]) withFrames += table.weights[i];
  if (withFrames === 0) throw new PySpyProfileError({ kind: 'noSamples', message: noSamplesMessage(req, metadata) });
  return profile;
}

function noSamplesMessage(req: PySpyLoadRequest, metadata: RunMetadata | undefined): string {
  if (req.mode === 'launch') {
    const ran = metadata ? ` (it ran for ${metadata.wallSeconds.toFixed(2)} s)` : '';
    return `py-spy took no samples of ${req.subject}${ran} at ${req.rateHz} samples per second. ` +
      'Profile a longer run, or raise the sampling rate.';
  }
  const idle = req.idle ? '' : ' Its threads may all have been waiting: turn on "idle" to include waiting threads.';
  return `py-spy took no samples of ${req.subject} in ${req.durationSeconds ?? '?'} s.${idle}`;
}

/**
 * The stacks of a launch hold the runner around the script: `_run_module_as_main (runpy)`, the runner's
 * `__main__`, `plain_run.main`, then `run` and `run_code` (pyrometer_runner/target.py; a module target's `run` is
 * in module_target.py) whose callee is the script's `<module>`. Stacks through target.run_code lose everything up to
 * it; one whose next frame is the runner's again (a sample taken as run_code records the outcome, right after the
 * script ended) is runner work and goes. Stacks outside the script are dropped: those holding runner
 * code (its imports, writing RUN.json) and the interpreter's startup (rooted in site, runpy or the import system,
 * before the runner runs). Other stacks (threads the script started, empty stacks) stay as they are. Frames no
 * stack uses any more leave the frame table.
 */
/** Where the interpreter's startup runs before the runner: site, runpy and the import system (frozen or not). */
const STARTUP_FILES = /^<frozen (site|runpy|importlib\._bootstrap(_external)?)>$|(^|[\\/])(site|runpy)\.py$|(^|[\\/])importlib[\\/]_bootstrap(_external)?\.py$/;

export function withoutRunnerFrames(profile: Profile, runnerPackageDir: string): Profile {
  const stacks = profile.stacks;
  if (!stacks) return profile;
  const prefix = path.join(runnerPackageDir, '');
  const isRunner = profile.frames.map(f => f.file.startsWith(prefix) || f.file.startsWith('pyrometer_runner/'));
  // The runner's exec of the script: py-spy names it `run_code`, perf by qualname (`run_code`, or `Target.run` before).
  const isTargetRun = profile.frames.map((f, i) => isRunner[i] && (f.name === 'run_code' || f.name === 'run' || f.name.endsWith('.run'))
    && path.basename(f.file) === 'target.py');
  const isStartup = profile.frames.map(f => STARTUP_FILES.test(f.file));
  const table = stacks.stacks;
  const frames = table.frames;
  const kept = new StackTableBuilder();
  for (let si = 0; si < table.length; si++) {
    const from = table.starts[si];
    const to = table.starts[si + 1];
    let cut = -1; // the innermost target.py frame: the runner's exec of the target is right below it
    for (let at = to - 1; at >= from; at--) {
      if (isTargetRun[frames[at]]) {
        cut = at;
        break;
      }
    }
    if (cut >= 0) {
      if (cut + 1 < to && isRunner[frames[cut + 1]]) continue;
      kept.add(frames, table.lines, table.weights[si], table.threads[si], cut + 1, to);
      continue;
    }
    let firstPython = -1;
    let holdsRunner = false;
    for (let at = from; at < to; at++) {
      if (isRunner[frames[at]]) holdsRunner = true;
      if (firstPython < 0 && profile.frames[frames[at]].kind === 'python') firstPython = frames[at];
    }
    const outsideScript = holdsRunner || (firstPython >= 0 && isStartup[firstPython]);
    if (!outsideScript) kept.add(frames, table.lines, table.weights[si], table.threads[si], from, to);
  }
  return compact(profile, kept.build());
}

/** Relative Python file names (py-spy writes co_filename; 3.8 keeps a script's as typed) → absolute, against cwd. */
function withResolvedFiles(profile: Profile, cwd: string): Profile {
  if (!profile.frames.some(f => f.kind === 'python' && f.file !== '' && !f.file.startsWith('<') && !path.isAbsolute(f.file))) {
    return profile;
  }
  const frames: Frame[] = profile.frames.map(f => ({ ...f, file: resolveFrameFile(f.file, f.kind, cwd) }));
  return { ...profile, frames };
}

/** The profile with these stacks, the frame table cut to the frames they use (indices remapped). */
function compact(profile: Profile, table: StackTable): Profile {
  const remap = new Int32Array(profile.frames.length).fill(-1);
  const frames: Frame[] = [];
  const mapped = new Int32Array(table.frames.length);
  for (let at = 0; at < mapped.length; at++) {
    const f = table.frames[at];
    if (remap[f] < 0) {
      remap[f] = frames.length;
      frames.push(profile.frames[f]);
    }
    mapped[at] = remap[f];
  }
  const compacted = { ...table, frames: mapped };
  const minLine = smallestLines(compacted, frames.length);
  const finalFrames = frames.map((f, i) => ({ ...f, line: minLine[i] }));
  const totalWeight = stackWeightSum(table);
  const old = profile.stacks!;
  return {
    ...profile,
    frames: finalFrames,
    stacks: { ...old, stacks: compacted, totalWeight },
    totalSeconds: old.rateHz ? totalWeight / old.rateHz : 0,
  };
}

// ---- finding py-spy -----------------------------------------------------------------------------------------------

/**
 * py-spy for an interpreter: the one installed beside it (its venv's bin/, or Scripts\ on Windows) first, then the
 * first on PATH. The interpreter path is not resolved through symlinks: a venv's python links to the base
 * interpreter, but its py-spy lives in the venv. Undefined when there is none.
 */
export async function findPySpy(pythonExecutable: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const windows = process.platform === 'win32';
  const names = windows ? ['py-spy.exe'] : ['py-spy'];
  const dirs: string[] = [];
  if (path.isAbsolute(pythonExecutable)) {
    const own = path.dirname(pythonExecutable);
    dirs.push(own);
    if (windows) dirs.push(path.join(own, 'Scripts'));
  }
  const pathVar = env.PATH ?? env.Path ?? '';
  for (const dir of pathVar.split(path.delimiter)) if (dir) dirs.push(dir);
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (await isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return false;
    if (process.platform !== 'win32') await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
