import type { RunMetadata } from '../core/profileModel';
import type { ProcessOutcome } from './childProcess';

/** How a profiling run ended, in the user's terms: whether to show its figures and what to say. */
export interface RunVerdict {
  readonly showResults: boolean;
  readonly severity: 'info' | 'warning' | 'error';
  readonly message: string;
}

export interface RunFacts {
  readonly scriptName: string;
  readonly process: ProcessOutcome;
  readonly timeoutSeconds: number;
  /** Present when the runner wrote a result the server could read. */
  readonly metadata?: RunMetadata;
  /** Why the result could not be read, when it existed but was unreadable. */
  readonly loadError?: string;
}

export function judgeRun(f: RunFacts): RunVerdict {
  const p = f.process;
  if (p.end === 'cancelled') {
    return { showResults: false, severity: 'info', message: `Profiling ${f.scriptName} was cancelled; the script and everything it started were stopped. No results are shown.` };
  }
  if (p.end === 'timedOut') {
    return { showResults: false, severity: 'error', message: `${f.scriptName} was still running after ${f.timeoutSeconds} s and was stopped. Raise "pyrometer.timeoutSeconds" if it needs longer. No results are shown.` };
  }
  if (p.end === 'failedToStart') {
    return { showResults: false, severity: 'error', message: `The interpreter could not be started: ${p.startError}. Check "pyrometer.pythonPath" or the Python extension's interpreter.` };
  }
  if (f.loadError) {
    return { showResults: false, severity: 'error', message: `The profile of ${f.scriptName} could not be read: ${f.loadError}` };
  }
  const m = f.metadata;
  if (!m) {
    const how = p.signal ? `was killed by ${p.signal}` : `exited with code ${p.exitCode}`;
    const said = lastLine(p.stderrTail);
    return { showResults: false, severity: 'error', message: `The profiler ${how} before writing a result${said ? `: ${said}` : ''}. See the Pyrometer output for details.` };
  }
  const ex = m.exception;
  if (ex && ex.phase === 'compile') {
    return { showResults: false, severity: 'error', message: `${f.scriptName} has a syntax error, so nothing ran: ${ex.type}: ${ex.message}. Fix it and profile again.` };
  }
  if (ex && ex.phase === 'start') {
    return { showResults: false, severity: 'error', message: `${f.scriptName} could not be started: ${ex.type}: ${ex.message}` };
  }
  if (ex) {
    return { showResults: true, severity: 'warning', message: `${f.scriptName} raised ${ex.type}: ${ex.message}. The profile covers the run up to that point (traceback in the Pyrometer output).` };
  }
  if (m.exitCode !== 0) {
    return { showResults: true, severity: 'warning', message: `${f.scriptName} exited with code ${m.exitCode}. The profile covers the whole run.` };
  }
  return { showResults: true, severity: 'info', message: `Profiled ${f.scriptName} in ${m.wallSeconds.toFixed(2)} s.` };
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim().slice(0, 300) ?? '';
}
