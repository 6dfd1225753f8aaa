import { performance } from 'perf_hooks';
import { IMPORTTIME_PREFIX, ImportTree, isImportTimeLine, parseImportTime, splitStartup } from '../core/importTime';
import { ProfileFormatError } from '../core/profileErrors';
import { onFirstUse } from '../core/onFirstUse';
import { ProcessListeners, ProcessOutcome, runProcess } from './childProcess';

/**
 * The importtime adapter: `python -X importtime SCRIPT ARGS` (or `-c "import MODULE"`), through runProcess (argv
 * only, cancel and timeout kill the tree). The import-time lines are taken out of stderr as they arrive and kept
 * whole for the parser; the rest of stderr (the script's own) and all of stdout go to the listeners, capped by
 * `maxForwardedBytes` like runProcess does. So the user's output channel is not flooded with hundreds of import
 * lines, and the memory kept is the log, not everything the script wrote.
 */
export type ImportTimeTarget =
  | { readonly kind: 'script'; readonly script: string; readonly args?: readonly string[] }
  /** `python -X importtime -c "import MODULE"`: what importing one module costs on top of startup. */
  | { readonly kind: 'module'; readonly module: string }
  /** `python -X importtime -c CODE` (startupBreakdown's `pass`). */
  | { readonly kind: 'code'; readonly code: string };

export interface ImportTimeRunRequest {
  /** Absolute path of the interpreter (resolved, not a shim). */
  readonly python: string;
  readonly target: ImportTimeTarget;
  readonly cwd: string;
  /** 0 = no timeout. */
  readonly timeoutMs: number;
  /** Interpreter flags before `-X importtime` (e.g. `-S`, `-E`). */
  readonly pythonFlags?: readonly string[];
  /** Without PYTHONPROFILEIMPORTTIME, which would make child interpreters write into the same log. */
  readonly env?: NodeJS.ProcessEnv;
  readonly maxForwardedBytes?: number;
  /** Forward the import-time lines to onStderr too (off: only the script's own stderr is forwarded). */
  readonly forwardImportLines?: boolean;
}

export interface ImportTimeRunOutcome {
  /** forwardedBytes / droppedBytes count what this adapter forwarded (import lines excluded unless asked for). */
  readonly process: ProcessOutcome;
  /** The parsed log; null when there is none (failed to start, killed before the header) — see parseError. */
  readonly tree: ImportTree | null;
  readonly parseError?: string;
  /** The run exited on its own: the tree holds every import it made. Cancelled or timed out: a partial tree. */
  readonly complete: boolean;
  /** The import-time text that was parsed (header and lines, in order). */
  readonly log: string;
  readonly argv: readonly string[];
  /** Measured around the process (spawn to close), so it includes process start and exit. */
  readonly wallMs: number;
}

/** A module name as an import statement takes it: dotted identifiers (it goes into `-c` code, so nothing else). */
const moduleName = onFirstUse(() => /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*(\.[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)*$/u);

export function importTimeArgv(target: ImportTimeTarget, pythonFlags: readonly string[] = []): string[] {
  const head = [...pythonFlags, '-X', 'importtime'];
  if (target.kind === 'script') return [...head, target.script, ...(target.args ?? [])];
  if (target.kind === 'code') return [...head, '-c', target.code];
  if (!moduleName().test(target.module)) throw new Error(`Not a module name: ${JSON.stringify(target.module)}.`);
  return [...head, '-c', `import ${target.module}`];
}

export async function runImportTime(req: ImportTimeRunRequest, listeners: ProcessListeners = {}): Promise<ImportTimeRunOutcome> {
  const argv = importTimeArgv(req.target, req.pythonFlags);
  const env = { ...(req.env ?? process.env) };
  delete env.PYTHONPROFILEIMPORTTIME;
  const splitter = new ImportTimeStderrSplitter();
  const cap = new ForwardCap(req.maxForwardedBytes);
  const onStderr = (text: string) => {
    const script = splitter.push(text);
    cap.forward(req.forwardImportLines ? text : script, listeners.onStderr);
  };
  const started = performance.now();
  const outcome = await runProcess({ command: req.python, args: argv, cwd: req.cwd, env, timeoutMs: req.timeoutMs }, {
    signal: listeners.signal, onStdout: t => cap.forward(t, listeners.onStdout), onStderr,
  });
  const wallMs = performance.now() - started;
  const rest = splitter.end();
  if (!req.forwardImportLines) cap.forward(rest, listeners.onStderr);
  const log = splitter.importText();
  let tree: ImportTree | null = null;
  let parseError: string | undefined;
  if (outcome.end === 'failedToStart') {
    parseError = `The interpreter did not start: ${outcome.startError ?? 'unknown error'}.`;
  } else {
    try {
      tree = parseImportTime(log);
    } catch (e) {
      if (!(e instanceof ProfileFormatError)) throw e;
      parseError = e.message;
    }
  }
  return {
    process: { ...outcome, forwardedBytes: cap.forwardedBytes, droppedBytes: cap.droppedBytes },
    tree, ...(parseError !== undefined ? { parseError } : {}), complete: outcome.end === 'exited' && tree !== null,
    log, argv: [req.python, ...argv], wallMs,
  };
}

/**
 * Splits a stderr stream, chunk by chunk, into the import-time log and the script's own text. An import-time line
 * may start mid-line (after text the script wrote without a newline); it is recognised once its newline arrives,
 * and text that could still become one (`import ti` at the end of a chunk) is held back until it can be decided.
 * Text that starts like one but is not (`import time: my own words`) goes to the script's side, whole.
 */
export class ImportTimeStderrSplitter {
  private held = '';
  private readonly parts: string[] = [];

  /** Takes the next chunk; returns the script's text that can be forwarded now. */
  push(chunk: string): string {
    const s = this.held + chunk;
    this.held = '';
    let out = '';
    let pos = 0;
    while (pos < s.length) {
      const at = s.indexOf(IMPORTTIME_PREFIX, pos);
      if (at === pos) {
        const nl = s.indexOf('\n', pos);
        if (nl < 0) {
          this.held = s.slice(pos);
          return out;
        }
        const line = s.slice(pos, nl + 1);
        if (isImportTimeLine(line)) this.parts.push(line);
        else out += line;
        pos = nl + 1;
      } else if (at > pos) {
        out += s.slice(pos, at);
        pos = at;
      } else {
        const keep = partialPrefixLength(s, pos);
        out += s.slice(pos, s.length - keep);
        this.held = s.slice(s.length - keep);
        return out;
      }
    }
    return out;
  }

  /** The stream ended: returns the script's text still held (a last import line without a newline is the log's). */
  end(): string {
    const held = this.held;
    this.held = '';
    if (held.startsWith(IMPORTTIME_PREFIX) && isImportTimeLine(held)) {
      this.parts.push(held);
      return '';
    }
    return held;
  }

  /** The log so far: the header and the import lines, in order. */
  importText(): string {
    return this.parts.join('');
  }
}

/** Length of the longest suffix of s[from..] that is a proper prefix of IMPORTTIME_PREFIX. */
function partialPrefixLength(s: string, from: number): number {
  const max = Math.min(IMPORTTIME_PREFIX.length - 1, s.length - from);
  for (let k = max; k > 0; k--) {
    if (IMPORTTIME_PREFIX.startsWith(s.slice(s.length - k))) return k;
  }
  return 0;
}

/** runProcess' forwarding cap, applied after the import lines are taken out. */
class ForwardCap {
  forwardedBytes = 0;
  droppedBytes = 0;
  private readonly limit: number;

  constructor(limit: number | undefined) {
    this.limit = limit ?? Number.POSITIVE_INFINITY;
  }

  forward(text: string, listener?: (text: string) => void): void {
    if (text === '') return;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (this.forwardedBytes + bytes > this.limit) {
      if (this.droppedBytes === 0) listener?.(`\n[Pyrometer: output beyond ${this.limit} bytes is not shown]\n`);
      this.droppedBytes += bytes;
      return;
    }
    this.forwardedBytes += bytes;
    listener?.(text);
  }
}

export interface StartupRun {
  readonly argv: readonly string[];
  readonly tree: ImportTree;
  /** Σ cumulative µs of the depth-0 imports (the tree's topLevelCumulativeUs). */
  readonly topLevelUs: number;
  /** Wall time of the process, spawn to close (the smallest over the repeats). */
  readonly wallMs: number;
  /** Every repeat's wall time, in run order. */
  readonly wallMsRuns: readonly number[];
}

export interface StartupBreakdown {
  /** `python -S -X importtime -c pass`: the interpreter alone. */
  readonly noSite: StartupRun;
  /** `python -X importtime -c pass`: the interpreter and site (.pth files, sitecustomize, usercustomize). */
  readonly withSite: StartupRun;
  /** Imports the interpreter makes before site (encodings, io, zipimport…): noSite.topLevelUs. */
  readonly interpreterImportsUs: number;
  /** The `site` node's cumulative µs in the withSite run (0 if absent). */
  readonly siteImportsUs: number;
  /** noSite.wallMs minus its imports: process start, runtime init and exit (spawn overhead included). */
  readonly interpreterOtherMs: number;
  /** withSite.wallMs − noSite.wallMs: what site costs in wall time (noisy; use repeats). */
  readonly siteWallMs: number;
  /** With `application`: the imports of that run after its `site` root (see splitStartup). */
  readonly applicationImportsUs?: number;
}

export interface StartupBreakdownOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Per run; default 30 s. */
  readonly timeoutMs?: number;
  /** Runs of each command (alternating); the fastest counts. Default 1. */
  readonly repeat?: number;
  /** An application's import tree (from runImportTime) whose own imports to report beside startup. */
  readonly application?: ImportTree;
  readonly signal?: AbortSignal;
}

/** Separates interpreter start, site and application imports. Throws when a run fails or gives no log. */
export async function startupBreakdown(python: string, options: StartupBreakdownOptions = {}): Promise<StartupBreakdown> {
  const repeat = Math.max(1, Math.floor(options.repeat ?? 1));
  const runs: Record<'noSite' | 'withSite', { argv: readonly string[]; tree: ImportTree; wallMs: number }[]> = { noSite: [], withSite: [] };
  for (let i = 0; i < repeat; i++) {
    for (const which of ['noSite', 'withSite'] as const) {
      const r = await runImportTime({
        python, target: { kind: 'code', code: 'pass' }, cwd: options.cwd ?? process.cwd(),
        timeoutMs: options.timeoutMs ?? 30000, env: options.env, pythonFlags: which === 'noSite' ? ['-S'] : [],
      }, { signal: options.signal });
      if (!r.complete || r.tree === null || r.process.exitCode !== 0) {
        throw new Error(`${r.argv.join(' ')} failed (${r.process.end}, exit ${r.process.exitCode}): ${r.parseError ?? r.process.stderrTail.slice(-500)}`);
      }
      runs[which].push({ argv: r.argv, tree: r.tree, wallMs: r.wallMs });
    }
  }
  const best = (which: 'noSite' | 'withSite'): StartupRun => {
    const all = runs[which];
    const fastest = all.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    return {
      argv: fastest.argv, tree: fastest.tree, topLevelUs: fastest.tree.topLevelCumulativeUs, wallMs: fastest.wallMs,
      wallMsRuns: all.map(r => r.wallMs),
    };
  };
  const noSite = best('noSite');
  const withSite = best('withSite');
  const site = withSite.tree.nodes.find(n => n.depth === 0 && n.parent < 0 && n.module === 'site');
  return {
    noSite, withSite,
    interpreterImportsUs: noSite.topLevelUs,
    siteImportsUs: site?.cumulativeUs ?? 0,
    interpreterOtherMs: noSite.wallMs - noSite.topLevelUs / 1000,
    siteWallMs: withSite.wallMs - noSite.wallMs,
    ...(options.application ? { applicationImportsUs: splitStartup(options.application).applicationUs } : {}),
  };
}
