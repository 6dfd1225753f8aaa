import path = require('path');
import {
  CodeLens, createConnection, Hover, MarkupKind, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { functionHoverMarkdown } from '../core/functionSummary';
import { emptyFunctionTablePage, FunctionTable, normalizeQuery } from '../core/functionTablePage';
import { ProfileFormatError } from '../core/profileErrors';
import {
  ExportRunParams, ExportRunResult, FlameGraphParams, FlameGraphResult, FunctionTableParams, FunctionTableResult, LineAnnotationsParams,
  AllocationsParams, AllocationsResult, GcTimelineResult, LineAnnotationsResult, LoadRunParams, LoadRunResult, Notifications, ProfileFileSummary, Requests, RunSource, ServerSettings, SetActiveRunParams,
} from '../protocol/serverRequests';
import type { Profile } from '../core/profileModel';
import { loadLineTimingResult } from '../runners/lineTiming';
import { loadEventsProfile, loadMemoryProfile } from '../runners/memoryEvents';
import { memoryHoverMarkdown, memoryRows } from '../core/memoryAnnotations';
import { memorySummaryText } from '../core/memorySummary';
import { exceptionHoverMarkdown, gcTimeline } from '../core/eventAnnotations';
import { promises as fs } from 'fs';
import { BytecodeListing, parseBytecodeResult } from '../core/bytecodeResult';
import { specializationHoverMarkdown } from '../core/specializationHover';
import { timedLineAt } from '../core/lineTimingAnnotations';
import { timedFunctionHoverMarkdown, timedLineHoverMarkdown } from '../core/lineTimingHover';
import { loadCProfileResult } from '../runners/cprofile';
import { loadPySpyProfile, PySpyProfileError } from '../runners/pyspy';
import { loadPerfProfile } from '../runners/perf';
import { loadProfileFile } from '../runners/profileFile';
import { sampledLineHoverMarkdown } from '../core/sampleHover';
import { filePathOf } from './documentAnnotations';
import { DocumentAnnotations } from './documentAnnotations';
import { megabytes, ProfileStore, ProfileTooLargeError, StoredRun } from './profileStore';
import { exportRun } from './runExport';
import { ownTempDir, sweepStaleTempDirs } from '../runners/tempRoot';
import { FlameGraphFiles } from './flameGraphFiles';
import { Comparison } from './comparison';
import { runDetailsMarkdown } from '../core/runDetails';
import { profileWarnings } from '../core/runWarnings';
import { pstatsSeconds } from '../core/pstatsNumbers';
import type { CompareRunsParams, CompareRunsResult, RunDetailsParams, RunDetailsResult } from '../protocol/serverRequests';

/** The language server: owns the profiles, parses them off the extension host, answers what editors draw. */
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const DEFAULT_MAX_PROFILE_MEGABYTES = 512;
const store = new ProfileStore(10, DEFAULT_MAX_PROFILE_MEGABYTES * 1024 * 1024);
let settings: ServerSettings = { callSiteMinPercent: 2 };
const capBytes = (): number => (settings.maxProfileMegabytes ?? DEFAULT_MAX_PROFILE_MEGABYTES) * 1024 * 1024;
const newAnnotations = () => new DocumentAnnotations(() => ({ callSiteMinFraction: settings.callSiteMinPercent / 100 }));
let annotations = newAnnotations();
/** Where each loaded run came from: export copies a cProfile run's own .prof. */
const sources = new Map<string, RunSource>();
/** The run compared with a baseline, for CodeLens deltas and the flame graph's diff colours. */
const comparison = new Comparison(store);
/** Each profile's function table, kept while the profile is (its sorted order serves the next page and filter). */
const functionTables = new WeakMap<Profile, FunctionTable>();

connection.onInitialize((params) => {
  // The settings as they are when the server starts (and restarts): ServerSettings, from the extension.
  const initial = params.initializationOptions as Partial<ServerSettings> | undefined;
  if (typeof initial?.callSiteMinPercent === 'number') settings = { ...settings, callSiteMinPercent: initial.callSiteMinPercent };
  if (typeof initial?.maxProfileMegabytes === 'number') {
    settings = { ...settings, maxProfileMegabytes: initial.maxProfileMegabytes };
    store.setMaxBytes(capBytes());
  }
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
    },
  };
});

function activeAnnotationsFor(uri: string) {
  const run = store.active();
  const doc = documents.get(uri);
  return run && doc ? { run, list: annotations.for(run, doc) } : undefined;
}

function refreshEditors(): void {
  connection.sendNotification(Notifications.activeRunChanged, { runId: store.active()?.runId ?? null });
  void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
}

async function loadProfile(source: RunSource): Promise<{ profile: Profile; file?: ProfileFileSummary }> {
  switch (source.kind) {
    case 'cprofile': return { profile: await loadCProfileResult(source.resultPath) };
    case 'pyspy': return { profile: await loadPySpyProfile(source.load) };
    case 'perf': return { profile: (await loadPerfProfile(source.load)).profile };
    case 'lines': return { profile: await loadLineTimingResult(source.resultPath) };
    case 'memory': return { profile: await loadMemoryProfile(source.resultPath) };
    case 'events': return { profile: await loadEventsProfile(source.resultPath) };
    case 'file': {
      // Refused before reading: the text alone would take twice the file's size in memory.
      const fileBytes = (await fs.stat(source.path)).size;
      if (fileBytes > capBytes()) {
        throw new ProfileFormatError(`${path.basename(source.path)} is ${megabytes(fileBytes)} MB, more than the ${megabytes(capBytes())} MB of profiles Pyrometer keeps in memory (setting pyrometer.maxProfileMegabytes). Raise the setting to open it.`);
      }
      const content = await loadProfileFile({ path: source.path, pathMappings: source.pathMappings, pstats: source.pstats });
      if (content.kind === 'imports') {
        throw new ProfileFormatError('This is a -X importtime log: it holds imports, not functions or stacks, so it cannot be shown as a run. Open it in the editor to see its import flame graph.');
      }
      const { profile, facts } = content;
      const sourceFiles = [...new Set(profile.frames.filter(f => f.kind === 'python' && path.isAbsolute(f.file)).map(f => f.file))];
      const file: ProfileFileSummary = {
        ...facts, threads: profile.stacks?.threads.length ?? 0, ...(profile.stacks?.rateHz ? { rateHz: profile.stacks.rateHz } : {}),
        sourceFiles: sourceFiles.slice(0, 5000),
      };
      return { profile, file };
    }
  }
}

/** The listing a run left beside its profile; a missing or unreadable one only means hovers go without it. */
async function loadBytecodeIfPresent(file: string | undefined): Promise<BytecodeListing | undefined> {
  if (!file) return undefined;
  try {
    return parseBytecodeResult(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

connection.onRequest(Requests.loadRun, async (params: LoadRunParams): Promise<LoadRunResult> => {
  try {
    const { profile, file } = await loadProfile(params.source);
    // A run loaded again under its id (a profile file reopened, maybe changed or mapped otherwise): annotations
    // cached for it per document version would be stale.
    if (store.get(params.runId)) annotations = newAnnotations();
    sources.set(params.runId, params.source);
    const run = store.add(params.runId, params.label, profile,
      params.source.kind === 'pyspy' ? await loadBytecodeIfPresent(params.source.bytecodePath) : undefined);
    if (params.activate) {
      store.setActive(run.runId);
      refreshEditors();
    }
    return {
      ok: true,
      summary: {
        runId: run.runId, label: run.label, source: profile.source, totalSeconds: profile.totalSeconds,
        totalSamples: profile.stacks?.totalWeight ?? 0,
        functionCount: profile.functions.length || profile.frames.length, metadata: profile.metadata,
        lineTimingNote: profile.lineTimings?.engine.note ?? undefined,
        unmatchedLines: profile.lineTimings?.unmatched.map(u => `${u.file}:${u.line}: ${u.reason}`),
        ...(file ? { file } : {}),
        warnings: profileWarnings(profile),
      },
    };
  } catch (e) {
    const message = e instanceof ProfileFormatError || e instanceof PySpyProfileError || e instanceof ProfileTooLargeError
      ? e.message : `Could not read the profile: ${(e as Error).message}`;
    return { ok: false, error: message };
  }
});

/**
 * A run by id, loaded again from its source when the memory cap dropped it (its source is still on disk);
 * undefined when it was never loaded or cannot be read any more.
 */
async function storedRun(runId: string): Promise<StoredRun | undefined> {
  const held = store.get(runId);
  if (held) return held;
  const source = sources.get(runId);
  if (!source) return undefined;
  try {
    const { profile } = await loadProfile(source);
    return store.add(runId, store.labelOf(runId) ?? runId, profile,
      source.kind === 'pyspy' ? await loadBytecodeIfPresent(source.bytecodePath) : undefined);
  } catch (e) {
    connection.console.warn(`Pyrometer: could not load run ${runId} again: ${(e as Error).message}`);
    return undefined;
  }
}

connection.onRequest(Requests.setActiveRun, async (params: SetActiveRunParams): Promise<boolean> => {
  if (params.runId !== null) await storedRun(params.runId);
  const changed = store.setActive(params.runId);
  if (changed) refreshEditors();
  return changed;
});

connection.onRequest(Requests.unloadRun, (params: { runId: string }) => {
  const wasActive = store.active()?.runId === params.runId;
  store.remove(params.runId);
  sources.delete(params.runId);
  comparison.forget(params.runId);
  if (wasActive) refreshEditors();
});

connection.onRequest(Requests.settings, (params: ServerSettings) => {
  settings = params;
  store.setMaxBytes(capBytes());
  refreshEditors();
});

connection.onRequest(Requests.lineAnnotations, (params: LineAnnotationsParams): LineAnnotationsResult => {
  const found = activeAnnotationsFor(params.uri);
  return { runId: found?.run.runId ?? null, annotations: found?.list ?? [] };
});

connection.onRequest(Requests.functionTable, async (params: FunctionTableParams): Promise<FunctionTableResult> => {
  const run = params.runId ? await storedRun(params.runId) : store.active();
  if (!run) return { runId: null, label: '', source: null, page: emptyFunctionTablePage(normalizeQuery(params.query)) };
  let table = functionTables.get(run.profile);
  if (!table) functionTables.set(run.profile, table = new FunctionTable(run.profile));
  return { runId: run.runId, label: run.label, source: run.profile.source, page: table.page(params.query) };
});

const flameGraphFiles = new FlameGraphFiles(() => ownTempDir());
process.on('exit', () => flameGraphFiles.removeAll());

connection.onRequest(Requests.flameGraph, async (params: FlameGraphParams): Promise<FlameGraphResult> => {
  const run = params.runId ? await storedRun(params.runId) : store.active();
  if (!run || run.profile.lineTimings || run.profile.memory || run.profile.events) return null;
  const data = run.flame.data(params.request);
  const diff = comparison.flameDiff(run.runId, data.frames.map(f => f.profileIndex), params.request.diffBy === 'self' ? 'self' : 'total');
  const shown = diff ? { ...data, request: { ...data.request, diffBy: diff.by }, diff } : data;
  return flameGraphFiles.serialize(shown.request, shown);
});

connection.onRequest(Requests.exportRun, async (params: ExportRunParams): Promise<ExportRunResult> => {
  const run = await storedRun(params.runId);
  if (!run) return { ok: false, error: 'That run is not loaded.', notLoaded: true };
  return exportRun(run.profile, sources.get(run.runId), params);
});

connection.onRequest(Requests.allocations, (params: AllocationsParams): AllocationsResult => {
  const run = store.active();
  const memory = run?.profile.memory;
  if (!run || !memory) return null;
  return { runId: run.runId, label: run.label, rows: memoryRows(memory, params.sortBy), growth: memory.diff.growth, retainers: memory.retainers, summary: memorySummaryText(memory) };
});

connection.onRequest(Requests.gcTimeline, (): GcTimelineResult => {
  const run = store.active();
  const events = run?.profile.events;
  return run && events ? {
    label: run.label, wallNs: Math.round(events.metadata.wallSeconds * 1e9), thresholds: events.gc?.thresholds ?? [],
    summary: events.gc?.summary ?? null, note: events.gc?.note ?? null, timeline: gcTimeline(events),
  } : null;
});

connection.onRequest(Requests.runDetails, async (params: RunDetailsParams): Promise<RunDetailsResult> => {
  const run = store.get(params.runId);
  if (!run) return { ok: false, error: 'That run is not loaded.', notLoaded: true };
  const p = run.profile;
  const figures = p.stacks ? `${p.stacks.totalWeight} samples${p.stacks.rateHz ? ` at ${p.stacks.rateHz} Hz` : ''}`
    : p.source === 'cProfile' ? `pstats total_tt ${pstatsSeconds(p.totalSeconds)} s, ${p.functions.length} functions`
      : `${p.source}, ${p.metadata.wallSeconds.toFixed(3)} s`;
  const warnings = profileWarnings(p);
  return { ok: true, warnings, markdown: runDetailsMarkdown({ label: run.label, source: p.source, figures }, p.metadata, warnings) };
});

connection.onRequest(Requests.compareRuns, async (params: CompareRunsParams): Promise<CompareRunsResult> => {
  const result = comparison.compare(params);
  if (result.ok) refreshEditors();
  return result;
});

connection.onRequest(Requests.clearComparison, () => {
  comparison.clear();
  refreshEditors();
});

connection.onCodeLens((params): CodeLens[] => {
  const found = activeAnnotationsFor(params.textDocument.uri);
  if (!found) return [];
  const lenses: CodeLens[] = [];
  for (const a of found.list) {
    if (!a.lensText) continue;
    const range = { start: { line: a.line, character: 0 }, end: { line: a.line, character: 0 } };
    lenses.push({ range, command: { title: a.lensText, command: 'pyrometer.revealFunction', arguments: [found.run.runId, a.frameIndex] } });
    const delta = a.kind === 'def' ? comparison.lensText(found.run, a.frameIndex) : undefined;
    if (delta) lenses.push({ range, command: { title: delta, command: 'pyrometer.showComparison', arguments: [] } });
    // Why a hot function is slow is often in its bytecode: one click from the figures to the specialized listing.
    const frame = found.run.profile.frames[a.frameIndex];
    if (a.kind === 'def' && frame && frame.name !== '<module>') {
      lenses.push({ range, command: { title: 'bytecode', command: 'pyrometer.showBytecode', arguments: [params.textDocument.uri, a.line + 1] } });
    }
  }
  return lenses;
});

connection.onHover((params): Hover | null => {
  const found = activeAnnotationsFor(params.textDocument.uri);
  if (!found) return null;
  const onLine = found.list.filter(a => a.line === params.position.line && (a.kind === 'callSite' || a.afterText || a.lensText));
  if (onLine.length === 0) return null;
  const run = found.run;
  const file = filePathOf(params.textDocument.uri);
  const lineHover = file && run.profile.memory ? memoryHoverMarkdown(run.profile.memory, file, params.position.line + 1)
    : file && run.profile.events ? exceptionHoverMarkdown(run.profile.events, file, params.position.line + 1) : undefined;
  if (run.profile.memory || run.profile.events) return lineHover ? { contents: { kind: MarkupKind.Markdown, value: lineHover } } : null;
  const timings = run.profile.lineTimings;
  if (timings) {
    const doc = documents.get(params.textDocument.uri);
    const at = file && doc ? timedLineAt(run.profile, file, doc.getText(), params.position.line + 1) : undefined;
    if (!at) return null;
    const value = at.cost
      ? timedLineHoverMarkdown(at.fn, at.cost, params.position.line + 1, timings.engine)
      : timedFunctionHoverMarkdown(at.fn, at.shift, timings.engine);
    return { contents: { kind: MarkupKind.Markdown, value } };
  }
  if (!onLine.some(a => a.kind === 'callSite' || a.afterText)) return null;
  if (run.sampled) {
    const markdown = file ? sampledLineHoverMarkdown(run.profile, run.sampled, file, params.position.line + 1) : '';
    const bytecode = file && run.bytecode && run.bytecode.codeObjects[0]?.file === file
      ? specializationHoverMarkdown(run.bytecode, params.position.line + 1) : undefined;
    const value = [markdown, bytecode].filter(Boolean).join('\n\n---\n\n');
    return value ? { contents: { kind: MarkupKind.Markdown, value } } : null;
  }
  const sections = onLine.map(a => {
    const fn = found.run.graph.stats(a.frameIndex);
    if (!fn) return '';
    const head = a.kind === 'callSite' ? `Call site (matched by name in the caller's body)\n\n` : '';
    return head + functionHoverMarkdown(fn, found.run.graph);
  });
  return { contents: { kind: MarkupKind.Markdown, value: sections.filter(Boolean).join('\n\n---\n\n') } };
});

documents.onDidClose(e => annotations.forget(e.document.uri));
documents.listen(connection);
// Temporary files of a server (or extension host) that crashed are removed when the next one starts; live ones stay.
void sweepStaleTempDirs().then(removed => {
  if (removed.length > 0) connection.console.log(`Pyrometer: removed ${removed.length} temporary folder(s) left by processes that ended: ${removed.join(', ')}`);
});
connection.listen();
