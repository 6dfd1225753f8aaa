import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import path = require('path');
import vscode = require('vscode');
import { FlameGraphSource } from '../core/flameLayout';
import { flameInputOfImports, parseImportTime } from '../core/importTime';
import { FORMATS_PYROMETER_READS, sniffProfileFormat } from '../core/profileFileFormat';
import { importLogSummary, profileFileSummary } from '../core/profileFileSummary';
import type { RunSource, RunSummary } from '../protocol/serverRequests';
import { readProfileFileHead } from '../runners/profileFile';
import { readConfig } from './config';
import { chooseInterpreter } from './interpreter';
import type { ImportsView } from './importsView';
import { readPathMappings } from './pathMappingSetting';
import type { RunHistory } from './runHistory';
import type { ServerClient } from './serverClient';
import type { ShownRun } from './shownRun';

/**
 * Opening a profile file: tells its format from its content, and then either loads it into the language server as
 * a run (recorded in the run history, made the shown run, so CodeLens, decorations, the Functions table and hovers
 * follow) or, for an `-X importtime` log, builds its import flame graph here and shows it in the Imports view, as
 * "Profile imports" does. pstats files are read by the user's interpreter (the runner's `pstats` subcommand).
 */
export interface ProfileFileOpenDeps {
  readonly server: ServerClient;
  readonly history: RunHistory;
  readonly shownRun: ShownRun;
  readonly importsView: ImportsView;
  readonly runnerRoot: string;
}

export type OpenedProfileFile =
  | { readonly kind: 'run'; readonly runId: string; readonly summary: RunSummary; readonly summaryText: string }
  | { readonly kind: 'imports'; readonly flame: FlameGraphSource; readonly summaryText: string }
  | { readonly kind: 'error'; readonly message: string };

const PSTATS_READ_TIMEOUT_MS = 120_000;

/** One run per file path: opening the file again replaces its run (and its history entry) with the file as it is now. */
export function profileFileRunId(file: string): string {
  return `file-${createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 16)}`;
}

export async function openProfileFile(uri: vscode.Uri, deps: ProfileFileOpenDeps): Promise<OpenedProfileFile> {
  if (uri.scheme !== 'file') return error(`Pyrometer opens profile files on disk; ${uri.toString()} is not one.`);
  const file = uri.fsPath;
  const fileName = path.basename(file);
  let head: Uint8Array;
  try {
    head = await readProfileFileHead(file);
  } catch (e) {
    return error(`Cannot read ${file}: ${(e as Error).message}`);
  }
  const sniffed = sniffProfileFormat(head, file);
  if ('error' in sniffed) return error(sniffed.error);

  if (sniffed.format === 'importtime') {
    try {
      const tree = parseImportTime(await fs.readFile(file, 'utf8'));
      deps.importsView.show({ tree, label: fileName, lazy: new Set(), startupRoots: new Set() });
      return { kind: 'imports', flame: new FlameGraphSource(flameInputOfImports(tree), fileName), summaryText: importLogSummary(fileName, tree) };
    } catch (e) {
      return error(`${fileName} looks like a -X importtime log but cannot be read: ${(e as Error).message}`);
    }
  }

  const runId = profileFileRunId(file);
  const runDir = path.join(deps.history.runsDir, runId);
  const mappingSetting = readPathMappings(uri);
  let source: RunSource = { kind: 'file', path: file, pathMappings: mappingSetting.mappings };
  let interpreter = '';
  if (sniffed.format === 'pstats') {
    if (!vscode.workspace.isTrusted) {
      return error('Reading a pstats file (.prof) runs Python, which Pyrometer does not do in an untrusted workspace. Trust the workspace (Manage Workspace Trust) to open it; speedscope and collapsed-stack files open without it.');
    }
    const choice = await chooseInterpreter(uri);
    if (!choice) return error('Reading a pstats file (.prof) needs Python: install the Python extension, set "pyrometer.pythonPath", or put python3 on PATH.');
    interpreter = choice.command;
    source = { ...source, pstats: { python: choice.command, runnerRoot: deps.runnerRoot, resultPath: path.join(runDir, 'result.json'), timeoutMs: PSTATS_READ_TIMEOUT_MS } };
  }

  await deps.history.createRunDir(runId);
  const loaded = await deps.server.loadRun({ runId, label: fileName, source, activate: true });
  if (!loaded.ok) {
    await deps.history.discard(runDir);
    return error(loaded.error);
  }
  const summary = loaded.summary;
  const evicted = await deps.history.add({
    runId, label: fileName, script: summary.metadata.script || file, tool: summary.source,
    interpreter: interpreter || summary.metadata.python.executable, interpreterSource: `profile file ${file}`,
    pythonVersion: summary.metadata.python.version, finishedAt: new Date().toISOString(),
    totalSeconds: summary.totalSeconds, totalSamples: summary.totalSamples,
    wallSeconds: summary.metadata.wallSeconds, exitCode: summary.metadata.exitCode, source, runDir,
  }, readConfig().maxRunsKept);
  for (const old of evicted) await deps.server.unloadRun(old.runId);
  await deps.shownRun.set(runId);

  const facts = summary.file;
  const folders = (vscode.workspace.workspaceFolders ?? []).map(f => path.join(f.uri.fsPath, ''));
  const sourceFiles = facts?.sourceFiles ?? [];
  let text = profileFileSummary({
    fileName, format: sniffed.format, source: summary.source, tool: summary.metadata.tool, totalSeconds: summary.totalSeconds,
    totalSamples: summary.totalSamples, functionCount: summary.functionCount, threads: facts?.threads ?? 0, rateHz: facts?.rateHz,
    pythonVersion: summary.metadata.python.version, weightsAreDurations: facts?.weightsAreDurations,
    derivedFromCallGraph: facts?.derivedFromCallGraph, unresolvedFrames: facts?.unresolvedFrames, framesMapped: facts?.framesMapped ?? 0,
    sourceFiles: sourceFiles.length, workspaceFiles: sourceFiles.filter(f => folders.some(d => f.startsWith(d))).length,
  });
  if (mappingSetting.problems.length > 0) text += ` · ${mappingSetting.problems.join(' ')}`;
  return { kind: 'run', runId, summary, summaryText: text };
}

/** Loads a file's run into the server again (it was evicted, or the server restarted), without showing it. */
export async function reloadProfileFileRun(runId: string, deps: ProfileFileOpenDeps): Promise<boolean> {
  const record = (await deps.history.list()).find(r => r.runId === runId);
  if (!record) return false;
  const loaded = await deps.server.loadRun({ runId, label: record.label, source: record.source, activate: false });
  return loaded.ok;
}

/**
 * The message a file's editor shows when the file cannot be opened, ending with what Pyrometer reads — unless it
 * already says what is read (a parser names its own format), or the problem is not the format (the memory cap).
 */
function error(message: string): OpenedProfileFile {
  const needsFormats = !/\breads\b/.test(message) && !message.includes('pyrometer.maxProfileMegabytes');
  return { kind: 'error', message: needsFormats ? `${message} Pyrometer reads ${FORMATS_PYROMETER_READS}.` : message };
}
