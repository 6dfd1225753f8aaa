import { promises as fs } from 'fs';
import path = require('path');
import { CodeSymbol, CodeSymbolIndex, parsePerfMap } from '../core/perfMap';
import { parseJitDump } from '../core/jitdump';
import { withDefLines } from '../core/perfDefLines';
import { parsePerfScript, PerfScriptFacts } from '../core/perfScript';
import type { Profile, RunMetadata } from '../core/profileModel';
import { ProcessListeners, ProcessOutcome, runProcess } from './childProcess';
import { isFile } from './fileChecks';
import { loadRunMetadata, withoutRunnerFrames } from './pyspy';
import { RUNNER_METADATA_FILE } from './runFolders';
import { ScriptLaunchRequest, targetArgv, targetSubject } from './runnerLaunch';
import { StackTableBuilder } from '../core/stackTable';

/**
 * The Linux perf adapter (see docs/runner-perf.md). Measured here (perf 6.1, pyenv 3.12/3.13 built -O3 without
 * frame pointers):
 * - `perf record -g` (frame pointers) on such a build gives garbage parents: no Python frame at all;
 * - `--call-graph dwarf` with `-X perf` (3.12) gives C frames and only the innermost Python frame;
 * - 3.13's `-X perf_jit` + `perf record -k 1 --call-graph dwarf` + `perf inject --jit` gives full mixed stacks.
 * So 'auto' takes frame pointers only when the interpreter was built with them, DWARF otherwise, and perf_jit on
 * 3.13+ with DWARF. The software event cpu-clock is used: it works where hardware counters do not (VMs).
 *
 * Steps: record → (inject) → script, each through childProcess (argv, cancel, timeout). The interpreter leaves
 * /tmp/perf-PID.map or /tmp/jit-PID.dump (and inject /tmp/jitted-PID-N.so): they are copied into the run folder
 * (the map is our own symbol source for addresses perf leaves `[unknown]`) and removed from /tmp.
 */

export type PerfCallGraph = 'auto' | 'fp' | 'dwarf';

export interface PerfCapabilities {
  readonly platform: NodeJS.Platform;
  /** `perf --version` output, or undefined when perf could not be run. */
  readonly perfVersion?: string;
  readonly perfProblem?: string;
  readonly pythonVersion: readonly [number, number];
  /** The interpreter was compiled with -fno-omit-frame-pointer (sysconfig CFLAGS). */
  readonly framePointers: boolean;
  /** kernel.perf_event_paranoid, when readable. */
  readonly paranoid?: number;
  readonly root: boolean;
}

export type PerfPlan =
  | { readonly ok: true; readonly callGraph: 'fp' | 'dwarf'; readonly pythonFlag: 'perf' | 'perf_jit'; readonly inject: boolean; readonly note?: string }
  | { readonly ok: false; readonly problem: string };

const PY_SPY_HINT = 'Use "Pyrometer: Profile this script (py-spy)" with native frames on (the --native option of "py-spy … with options") instead: it shows C frames under Python on 3.8–3.13 without perf.';

/** Which flags to use, or what is missing, in the user's terms. */
export function planPerf(c: PerfCapabilities, setting: PerfCallGraph): PerfPlan {
  if (c.platform !== 'linux') {
    return { ok: false, problem: `Native profiling uses Linux perf, which is not available on ${c.platform === 'darwin' ? 'macOS' : c.platform}. ` +
      'Instruments and other native profilers are not supported yet. ' + PY_SPY_HINT };
  }
  if (c.perfVersion === undefined) {
    return { ok: false, problem: `Linux perf could not be run (${c.perfProblem ?? 'not found'}). Install it (Debian/Ubuntu: "apt-get install linux-perf" or "linux-tools-$(uname -r)") or set "pyrometer.perf.path". ${PY_SPY_HINT}` };
  }
  const [major, minor] = c.pythonVersion;
  if (major < 3 || (major === 3 && minor < 12)) {
    return { ok: false, problem: `Python ${major}.${minor} cannot tell perf which Python function native code belongs to: that needs Python 3.12 or newer ("-X perf"; full stacks need 3.13's "-X perf_jit"). Choose a 3.12+ interpreter, or: ${PY_SPY_HINT}` };
  }
  if (!c.root && c.paranoid !== undefined && c.paranoid > 2) {
    return { ok: false, problem: `perf may not profile processes here: kernel.perf_event_paranoid is ${c.paranoid}. Allow it with "sudo sysctl kernel.perf_event_paranoid=2" (or lower), or: ${PY_SPY_HINT}` };
  }
  const jit = major > 3 || minor >= 13;
  const callGraph = setting === 'auto' ? (c.framePointers ? 'fp' : 'dwarf') : setting;
  if (callGraph === 'fp') {
    return { ok: true, callGraph, pythonFlag: 'perf', inject: false,
      note: c.framePointers ? undefined : 'This interpreter was built without frame pointers: frame-pointer call graphs will miss the Python frames. Set "pyrometer.perf.callGraph" to "auto" or "dwarf".' };
  }
  return { ok: true, callGraph, pythonFlag: jit ? 'perf_jit' : 'perf', inject: jit,
    note: jit ? undefined : `On Python ${major}.${minor} perf's DWARF unwinding stops at the innermost Python function: each sample shows its C frames and the Python function running them, not the Python callers. Python 3.13 ("-X perf_jit") gives full stacks.` };
}

const PYTHON_FACTS = 'import sys, sysconfig, json; print(json.dumps([list(sys.version_info[:2]), "-fno-omit-frame-pointer" in (sysconfig.get_config_var("CFLAGS") or "") + " " + (sysconfig.get_config_var("PY_CFLAGS") or "")]))';

export async function probePerf(perf: string, python: string, cwd: string): Promise<PerfCapabilities> {
  let perfOut = '';
  const perfRun = process.platform === 'linux'
    ? await runProcess({ command: perf, args: ['--version'], cwd, timeoutMs: 20000 }, { onStdout: t => { perfOut += t; } })
    : undefined;
  let pyOut = '';
  await runProcess({ command: python, args: ['-c', PYTHON_FACTS], cwd, timeoutMs: 20000 }, { onStdout: t => { pyOut += t; } });
  let pythonVersion: [number, number] = [0, 0];
  let framePointers = false;
  try {
    const [v, fp] = JSON.parse(pyOut.trim().split('\n').pop() ?? '') as [number[], boolean];
    pythonVersion = [v[0], v[1]];
    framePointers = fp;
  } catch { /* reported as an unsupported version below */ }
  let paranoid: number | undefined;
  try {
    paranoid = Number((await fs.readFile('/proc/sys/kernel/perf_event_paranoid', 'utf8')).trim());
  } catch { /* not Linux, or hidden */ }
  const ok = perfRun?.end === 'exited' && perfRun.exitCode === 0 && /perf version/.test(perfOut);
  return {
    platform: process.platform, pythonVersion, framePointers, paranoid,
    root: typeof process.getuid === 'function' && process.getuid() === 0,
    ...(ok ? { perfVersion: perfOut.trim() } : { perfProblem: perfRun ? (perfRun.startError ?? (perfRun.stderrTail.trim().split('\n').pop() || `exit code ${perfRun.exitCode}`)) : 'not Linux' }),
  };
}

export interface PerfRecordRequest extends ScriptLaunchRequest {
  readonly perf: string;
  readonly plan: Extract<PerfPlan, { ok: true }>;
  /** Samples per second (perf -F). */
  readonly frequencyHz: number;
  /** Where the interpreter writes its maps (tests only; CPython always uses /tmp). */
  readonly mapDir?: string;
}

export interface PerfLoadRequest {
  /** `perf script` text. */
  readonly scriptPath: string;
  /** Our copies of the run's perf maps and jitdumps. */
  readonly mapPaths: readonly string[];
  readonly jitDumpPaths: readonly string[];
  readonly metaPath?: string;
  readonly runnerPackageDir?: string;
  readonly rateHz: number;
  readonly subject: string;
}

export interface PerfRunOutcome {
  readonly argv: readonly (readonly string[])[];
  readonly process: ProcessOutcome;
  readonly hasProfile: boolean;
  readonly failure?: { readonly kind: 'cancelled' | 'timedOut' | 'failed'; readonly message: string };
  readonly load: PerfLoadRequest;
}

export function perfRecordArgv(req: PerfRecordRequest, dataPath: string, metaPath: string): string[] {
  const graph = req.plan.callGraph === 'fp' ? ['-g'] : ['--call-graph', 'dwarf'];
  return ['record', '-e', 'cpu-clock', '-F', String(Math.max(1, Math.round(req.frequencyHz))), ...graph,
    ...(req.plan.inject ? ['-k', '1'] : []), '-o', dataPath, '--',
    req.python, '-X', req.plan.pythonFlag, path.join(req.runnerRoot, 'pyrometer_runner'), 'run', '--out', metaPath,
    '--', ...targetArgv(req.target, req.args)];
}

export const PERF_SCRIPT_FIELDS = 'comm,pid,tid,time,event,ip,sym,dso';

export async function runPerfRecord(req: PerfRecordRequest, listeners: ProcessListeners = {}): Promise<PerfRunOutcome> {
  await fs.mkdir(req.runDir, { recursive: true });
  const dataPath = path.join(req.runDir, 'perf.data');
  const injectedPath = path.join(req.runDir, 'perf.jit.data');
  const metaPath = path.join(req.runDir, RUNNER_METADATA_FILE);
  const scriptPath = path.join(req.runDir, 'perf-script.txt');
  await Promise.all([dataPath, injectedPath, metaPath, scriptPath].map(f => fs.rm(f, { force: true })));
  const argv: string[][] = [];
  const load: PerfLoadRequest = {
    scriptPath, mapPaths: [], jitDumpPaths: [], metaPath, rateHz: req.frequencyHz, subject: targetSubject(req.target),
    runnerPackageDir: path.join(path.resolve(req.runnerRoot), 'pyrometer_runner'),
  };
  const fail = (process: ProcessOutcome, message: string): PerfRunOutcome => ({
    argv, process, hasProfile: false, load,
    failure: process.end === 'cancelled' ? { kind: 'cancelled', message: `Profiling ${load.subject} with perf was cancelled. No results are shown.` }
      : process.end === 'timedOut' ? { kind: 'timedOut', message: `${load.subject} was still running after ${Math.round(req.timeoutMs / 1000)} s and was stopped. Raise "pyrometer.timeoutSeconds" if it needs longer.` }
        : { kind: 'failed', message },
  });
  const recordArgs = perfRecordArgv(req, dataPath, metaPath);
  argv.push([req.perf, ...recordArgs]);
  const mapDir = req.mapDir ?? '/tmp';
  const interpreterFilesBefore = new Set(await interpreterFileNames(mapDir));
  // Cancelled or timed out, perf script never names the interpreter's pid: its files are recognised while it
  // runs, as new files of a process in perf's process group.
  const watcher = new InterpreterFileWatcher(mapDir, interpreterFilesBefore);
  let record: ProcessOutcome;
  try {
    record = await runProcess({ command: req.perf, args: recordArgs, cwd: req.cwd, env: req.env, timeoutMs: req.timeoutMs,
      maxForwardedBytes: req.maxForwardedBytes }, { ...listeners, onSpawn: pid => watcher.start(pid) });
  } finally {
    await watcher.stop();
  }
  try {
    if (record.end !== 'exited' || !await isFile(dataPath)) {
      return fail(record, `perf record failed${record.startError ? ` to start (${record.startError})` : ` (exit code ${record.exitCode})`}: ${lastLine(record.stderrTail)}`);
    }
    let input = dataPath;
    if (req.plan.inject) {
      const injectArgs = ['inject', '--jit', '-i', dataPath, '-o', injectedPath];
      argv.push([req.perf, ...injectArgs]);
      const inject = await runProcess({ command: req.perf, args: injectArgs, cwd: req.runDir, timeoutMs: req.timeoutMs }, { signal: listeners.signal });
      if (inject.end === 'exited' && inject.exitCode === 0 && await isFile(injectedPath)) input = injectedPath;
      else if (inject.end !== 'exited') return fail(inject, 'perf inject did not finish.');
      else listeners.onStderr?.(`perf inject --jit failed (${lastLine(inject.stderrTail)}); Python frames are named from the jitdump instead, with shorter stacks.\n`);
    }
    const scriptArgs = ['script', '-i', input, '-F', PERF_SCRIPT_FIELDS, '--no-inline'];
    argv.push([req.perf, ...scriptArgs]);
    const chunks: string[] = [];
    const script = await runProcess({ command: req.perf, args: scriptArgs, cwd: req.runDir, timeoutMs: req.timeoutMs },
      { onStdout: t => { chunks.push(t); }, signal: listeners.signal });
    if (script.end !== 'exited' || script.exitCode !== 0) return fail(script, `perf script failed: ${lastLine(script.stderrTail)}`);
    const text = chunks.join('');
    await fs.writeFile(scriptPath, text);
    return { argv, process: { ...record, exitCode: 0 }, hasProfile: true, load: { ...load, ...await keepMaps(text, req.runDir, req.mapDir ?? '/tmp') } };
  } finally {
    await Promise.all([dataPath, injectedPath].map(f => fs.rm(f, { force: true })));
    const pids = [...new Set([...pidsOf(await readIfThere(scriptPath) ?? ''), ...watcher.pids])];
    await removeInterpreterFiles(mapDir, pids);
  }
}

const INTERPRETER_FILE = /^(?:perf-(\d+)\.map|jit-(\d+)\.dump|jitted-(\d+)-\d+\.so)$/;

async function interpreterFileNames(mapDir: string): Promise<string[]> {
  try {
    return (await fs.readdir(mapDir)).filter(n => INTERPRETER_FILE.test(n));
  } catch {
    return [];
  }
}

/** The process group of a live process (field 5 of /proc/PID/stat), or null. */
async function processGroupOf(pid: number): Promise<number | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return null;
  }
}

/** Interpreter files (perf map, jitdump) that appear while perf records, of processes in perf's process group. */
class InterpreterFileWatcher {
  readonly pids: number[] = [];
  private readonly checked = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> = Promise.resolve();

  constructor(private readonly mapDir: string, private readonly before: ReadonlySet<string>) {}

  start(perfPid: number): void {
    this.timer = setInterval(() => { this.scanning = this.scanning.then(() => this.scan(perfPid)); }, 50);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.scanning;
  }

  private async scan(perfPid: number): Promise<void> {
    for (const name of await interpreterFileNames(this.mapDir)) {
      if (this.before.has(name) || this.checked.has(name)) continue;
      this.checked.add(name);
      const m = INTERPRETER_FILE.exec(name)!;
      const pid = Number(m[1] ?? m[2] ?? m[3]);
      if (!this.pids.includes(pid) && await processGroupOf(pid) === perfPid) this.pids.push(pid);
    }
  }
}

/** Copies the run's perf maps / jitdumps into the run folder (their /tmp originals are then removed). */
async function keepMaps(scriptText: string, runDir: string, mapDir: string): Promise<{ mapPaths: string[]; jitDumpPaths: string[] }> {
  const mapPaths: string[] = [];
  const jitDumpPaths: string[] = [];
  for (const pid of pidsOf(scriptText)) {
    for (const [name, list] of [[`perf-${pid}.map`, mapPaths], [`jit-${pid}.dump`, jitDumpPaths]] as const) {
      const from = path.join(mapDir, name);
      if (await isFile(from)) {
        const to = path.join(runDir, name);
        await fs.copyFile(from, to);
        list.push(to);
      }
    }
  }
  return { mapPaths, jitDumpPaths };
}

async function removeInterpreterFiles(mapDir: string, pids: readonly number[]): Promise<void> {
  if (pids.length === 0) return;
  let names: string[] = [];
  try {
    names = await fs.readdir(mapDir);
  } catch {
    return;
  }
  const wanted = new Set(pids.map(String));
  const ours = names.filter(n => {
    const m = INTERPRETER_FILE.exec(n);
    return m !== null && wanted.has(m[1] ?? m[2] ?? m[3]);
  });
  await Promise.all(ours.map(n => fs.rm(path.join(mapDir, n), { force: true })));
}

/** Process ids of the samples (the `COMM PID/TID` headers). */
export function pidsOf(scriptText: string): number[] {
  const pids = new Set<number>();
  const re = /^\S.*?\s(\d+)\/\d+\s/gm;
  for (let m = re.exec(scriptText); m; m = re.exec(scriptText)) pids.add(Number(m[1]));
  return [...pids];
}

/**
 * The run's perf script output → the model: our perf map / jitdump symbols name what perf left `[unknown]`,
 * the runner's frames are cut away (as for py-spy), Python frames get their def lines from the source.
 */
export async function loadPerfProfile(req: PerfLoadRequest): Promise<{ profile: Profile; facts: PerfScriptFacts }> {
  const symbols: CodeSymbol[] = [];
  for (const p of req.mapPaths) symbols.push(...parsePerfMap(await fs.readFile(p, 'utf8'), path.basename(p)));
  for (const p of req.jitDumpPaths) symbols.push(...parseJitDump(await fs.readFile(p), path.basename(p)).symbols.map(s => ({ ...s, order: s.order + symbols.length })));
  let metadata: RunMetadata | undefined;
  if (req.metaPath && await isFile(req.metaPath)) metadata = { ...await loadRunMetadata(req.metaPath), tool: 'perf' };
  const { profile: parsed, facts } = parsePerfScript(await fs.readFile(req.scriptPath, 'utf8'), {
    symbols: new CodeSymbolIndex(symbols), metadata, rateHz: req.rateHz,
  });
  let profile = req.runnerPackageDir ? withoutRunnerFrames(withoutRunnerExec(parsed, req.runnerPackageDir), req.runnerPackageDir) : parsed;
  if (profile.source !== 'perf') profile = { ...profile, source: 'perf' };
  return { profile: await withDefLinesFromDisk(profile), facts };
}

/** Python frames perf named without a line get their def line from the source file, when it is on this machine. */
export async function withDefLinesFromDisk(profile: Profile): Promise<Profile> {
  const sources = new Map<string, string | undefined>();
  for (const f of profile.frames) {
    if (f.kind === 'python' && path.isAbsolute(f.file) && !sources.has(f.file)) sources.set(f.file, await readIfThere(f.file));
  }
  return withDefLines(profile, file => sources.get(file));
}

/**
 * Between the runner's `Target.run` and the script's `<module>`, perf shows the C frames of the runner's `exec`
 * (builtin_exec, PyEval_EvalCode, the trampoline…). withoutRunnerFrames cuts stacks just below Target.run; these
 * frames are the runner's too, so they go first: the script's stacks then start at its own `<module>`.
 */
export function withoutRunnerExec(profile: Profile, runnerPackageDir: string): Profile {
  const stacks = profile.stacks;
  if (!stacks) return profile;
  const prefix = path.join(runnerPackageDir, '');
  const isTargetRun = profile.frames.map(f => f.kind === 'python' && f.file.startsWith(prefix) && path.basename(f.file) === 'target.py' && /(^|\.)run$/.test(f.name));
  const table = stacks.stacks;
  const trimmed = new StackTableBuilder();
  for (let si = 0; si < table.length; si++) {
    const from = table.starts[si];
    const to = table.starts[si + 1];
    let k = from;
    while (k < to && !isTargetRun[table.frames[k]]) k++;
    let j = k + 1;
    while (j < to && profile.frames[table.frames[j]].kind !== 'python') j++;
    // Kept whole: no Target.run, no Python frame after it, or none of the C frames between.
    if (k >= to || j >= to || j === k + 1) j = k + 1;
    for (let at = from; at < to; at++) if (at <= k || at >= j) trimmed.addFrame(table.frames[at], table.lines[at]);
    trimmed.endStack(table.weights[si], table.threads[si]);
  }
  return { ...profile, stacks: { ...stacks, stacks: trimmed.build() } };
}

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(l => !/^\[ perf record:/.test(l)).pop()?.slice(0, 300) ?? '';
}
