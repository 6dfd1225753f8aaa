import vscode = require('vscode');
import type { ServerSettings } from '../protocol/serverRequests';
import { onConfigChange, readConfig } from './config';
import { activationTiming, BundleLoad, PyrometerExports } from './activationTiming';
import { createFlameGraphPanel } from './flameGraphPanel';
import { FunctionTableView } from './functionTableView';
import { HeatDecorations } from './heatDecorations';
import { profileImports, profileModuleImports } from './importCommands';
import { ImportLenses } from './importLenses';
import { ImportsView } from './importsView';
import { ProfileRunner } from './profileRun';
import { profileWithCProfile } from './profileScriptCommand';
import { LineTimingCommandArgs, profileLines } from './lineTimingCommand';
import { BytecodeCommandArgs, showBytecode } from './bytecodeCommand';
import { BytecodeView } from './bytecodeView';
import { AllocationsView } from './allocationsView';
import { GcTimelinePanel } from './gcTimelinePanel';
import { profileEvents, profileMemory } from './memoryCommands';
import { attachWithPySpy, profileWithPySpy } from './pySpyCommands';
import { profileNative } from './perfCommand';
import { RunHistory } from './runHistory';
import { RunsView } from './runsView';
import { ServerClient } from './serverClient';
import { ProfileFileEditorProvider } from './profileFileEditor';
import { ExportCommandArgs, exportProfile } from './exportCommand';
import type { RunRecord } from './runHistory';
import { ShownRun } from './shownRun';
import { profileStartup, StartupReports } from './startupCommand';
import { RunStatusBar } from './statusBar';
import { LaunchConfigCommandArgs, LaunchProfiler, profileLaunchConfig } from './launchConfigCommand';
import type { LaunchTarget } from './profileScriptCommand';
import { profileTest, ProfileTestArgs, PROFILE_TEST_COMMAND, PytestAvailability, TestLenses } from './testLenses';
import { ReportDocuments } from './reportDocuments';
import { showRunDetails } from './runDetailsCommand';
import { BenchCommandArgs, benchmark } from './benchCommand';
import { COMPARISON_REPORT, CompareCommandArgs, compareWithBaseline } from './compareCommand';
import { scheduleCodeCacheWarmup } from './codeCacheWarmup';

/** Wires Pyrometer's pieces together; nothing heavy starts here (the server starts on first need). */
export function activate(context: vscode.ExtensionContext, load?: BundleLoad): PyrometerExports {
  const activateStartMs = performance.now();
  const output = vscode.window.createOutputChannel('Pyrometer');
  const history = new RunHistory(context.storageUri ?? context.globalStorageUri);
  let shownRun: ShownRun | undefined;
  const server = new ServerClient(context, () => {
    void vscode.window.showWarningMessage('Pyrometer: the profile server stopped unexpectedly and was restarted; the shown run was reloaded.');
    void shownRun?.restore();
  }, () => {
    const config = readConfig();
    return { callSiteMinPercent: config.callSiteMinPercent, maxProfileMegabytes: config.maxProfileMegabytes };
  });
  shownRun = new ShownRun(context.workspaceState, history, server);
  const status = new RunStatusBar();
  const decorations = new HeatDecorations(server, context.extensionUri);
  const table = new FunctionTableView(context.extensionUri, server);
  const runsView = new RunsView(history);
  const runner = new ProfileRunner({ history, server, shownRun, status, output });
  const runnerRoot = context.asAbsolutePath('python');
  const importsView = new ImportsView();
  const profileFiles = new ProfileFileEditorProvider(context.extensionUri, { server, history, shownRun, importsView, runnerRoot });
  const importLenses = new ImportLenses();
  const startupReports = new StartupReports();
  const imports = { runner, output, view: importsView, lenses: importLenses };
  const bytecodeView = new BytecodeView();
  const allocationsView = new AllocationsView(server);
  const gcTimeline = new GcTimelinePanel(context.extensionUri, server);
  const bytecode = { runner, view: bytecodeView, output, runnerRoot };
  const flameGraph = createFlameGraphPanel(context.extensionUri,
    async request => (server.isRunning ? (await server.flameGraph(request)) ?? undefined : undefined),
    { emptyMessage: 'No flame graph for the shown run: profile a script with cProfile or py-spy (line timing records lines, not stacks).' });
  const importFlameGraph = createFlameGraphPanel(context.extensionUri, async request => importsView.flameSource()?.data(request),
    { title: 'Pyrometer: Import Flame Graph', emptyMessage: 'No import profile yet: run "Pyrometer: Profile imports" first.' });
  // A launch configuration or a test, prepared, run by the chosen profiler's own command.
  const launchUnder = async (profiler: LaunchProfiler, target: LaunchTarget) => {
    switch (profiler) {
      case 'cProfile': return profileWithCProfile(target, runner, runnerRoot);
      case 'py-spy': return profileWithPySpy(target, runner, runnerRoot, output, false);
      case 'memory': {
        const result = await profileMemory(target, runner, runnerRoot);
        if (result.runId) void vscode.commands.executeCommand(`${AllocationsView.viewId}.focus`);
        return result;
      }
      case 'events': {
        const result = await profileEvents(target, runner, runnerRoot);
        if (result.runId) gcTimeline.show();
        return result;
      }
    }
  };
  const testLenses = new TestLenses();
  const pytestAvailability = new PytestAvailability();
  const reports = new ReportDocuments();
  const runReports = { history, shownRun, server, reports };
  const sendSettings = () => {
    if (!server.isRunning) return;
    const config = readConfig();
    const settings: ServerSettings = { callSiteMinPercent: config.callSiteMinPercent, maxProfileMegabytes: config.maxProfileMegabytes };
    void server.settings(settings);
  };

  context.subscriptions.push(
    output, history, server, shownRun, status, decorations, table, runsView, flameGraph,
    vscode.window.registerTreeDataProvider('pyrometer.runs', runsView),
    vscode.window.registerWebviewViewProvider(FunctionTableView.viewId, table),
    server.onActiveRunChanged(() => {
      decorations.refreshAll();
      void table.refresh();
      void flameGraph.refresh();
      void allocationsView.refresh();
      void gcTimeline.refresh();
    }),
    allocationsView, gcTimeline,
    vscode.window.registerTreeDataProvider(AllocationsView.viewId, allocationsView),
    vscode.commands.registerCommand('pyrometer.profileMemory', async (uri?: vscode.Uri) => {
      const result = await profileMemory(uri, runner, runnerRoot);
      if (result.runId) void vscode.commands.executeCommand(`${AllocationsView.viewId}.focus`);
      return result;
    }),
    vscode.commands.registerCommand('pyrometer.profileEvents', async (uri?: vscode.Uri) => {
      const result = await profileEvents(uri, runner, runnerRoot);
      if (result.runId) gcTimeline.show();
      return result;
    }),
    vscode.commands.registerCommand('pyrometer.sortAllocations', () => allocationsView.cycleSort()),
    vscode.commands.registerCommand('pyrometer.showGcTimeline', () => gcTimeline.show()),
    // For tests: what the Allocations view lists.
    vscode.commands.registerCommand('pyrometer.allocationRows', () => allocationsView.rows),
    shownRun.onDidChange(runId => runsView.setActive(runId)),
    onConfigChange(sendSettings),
    vscode.commands.registerCommand('pyrometer.profileCProfile', (uri?: vscode.Uri) => profileWithCProfile(uri, runner, runnerRoot)),
    vscode.commands.registerCommand('pyrometer.profilePySpy', (uri?: vscode.Uri) => profileWithPySpy(uri, runner, runnerRoot, output, false)),
    vscode.commands.registerCommand('pyrometer.profilePySpyWithOptions', (uri?: vscode.Uri) => profileWithPySpy(uri, runner, runnerRoot, output, true)),
    vscode.commands.registerCommand('pyrometer.profileNative', (uri?: vscode.Uri) => profileNative(uri, runner, runnerRoot, output,
      target => profileWithPySpy(target, runner, runnerRoot, output, false, { native: true }))),
    vscode.commands.registerCommand('pyrometer.profileLines', (uri?: vscode.Uri, args?: LineTimingCommandArgs) =>
      profileLines(uri, runner, runnerRoot, context.workspaceState, args)),
    bytecodeView,
    vscode.commands.registerCommand('pyrometer.showBytecode', (target?: vscode.Uri | string, args?: BytecodeCommandArgs | number) =>
      showBytecode(bytecode, target, typeof args === 'number' ? { line: args } : args)),
    vscode.commands.registerCommand('pyrometer.showBytecodeWithCall', (target?: vscode.Uri) => showBytecode(bytecode, target, {}, true)),
    vscode.commands.registerCommand('pyrometer.attachPySpy', (pid?: number) => attachWithPySpy(runner, output, pid, pid === undefined)),
    vscode.commands.registerCommand('pyrometer.showFlameGraph', () => flameGraph.show()),
    vscode.commands.registerCommand('pyrometer.showRun', async (runId: string) => {
      const problem = await shownRun!.show(runId);
      if (problem) void vscode.window.showErrorMessage(`Pyrometer: ${problem}`);
    }),
    vscode.commands.registerCommand('pyrometer.revealFunction', (_runId: string, frameIndex: number) => table.reveal(frameIndex)),
    vscode.commands.registerCommand('pyrometer.hideResults', async () => {
      await shownRun!.clear();
      decorations.clearAll();
    }),
    vscode.commands.registerCommand('pyrometer.clearRuns', async () => {
      const removed = await history.clear();
      if (server.isRunning) for (const r of removed) await server.unloadRun(r.runId);
      await shownRun!.set(null);
      decorations.clearAll();
      void table.refresh();
    }),
    vscode.commands.registerCommand('pyrometer.showOutput', () => output.show()),
    profileFiles, ...profileFiles.register(),
    vscode.commands.registerCommand('pyrometer.openProfileFile', (uri?: vscode.Uri) => profileFiles.openCommand(uri)),
    vscode.commands.registerCommand('pyrometer.exportRun', (target?: RunRecord | string, args?: ExportCommandArgs) =>
      exportProfile(target, args, { history, shownRun: shownRun!, server })),
    importsView, importLenses, startupReports,
    vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, importLenses),
    vscode.languages.registerHoverProvider({ language: 'python', scheme: 'file' }, importLenses),
    vscode.commands.registerCommand('pyrometer.profileImports', (uri?: vscode.Uri) => profileImports(imports, uri)),
    vscode.commands.registerCommand('pyrometer.profileModuleImports', (module?: string) => profileModuleImports(imports, module)),
    vscode.commands.registerCommand('pyrometer.profileStartup', () => profileStartup(imports, startupReports)),
    vscode.commands.registerCommand('pyrometer.sortImports', () => importsView.toggleSort()),
    importFlameGraph, importsView.onDidChangeTreeData(() => void importFlameGraph.refresh()),
    vscode.commands.registerCommand('pyrometer.showImportFlameGraph', () => importFlameGraph.show()),
    vscode.commands.registerCommand('pyrometer.showImports', () => vscode.commands.executeCommand(`${ImportsView.viewId}.focus`)),
    vscode.commands.registerCommand('pyrometer.profileLaunchConfig', (args?: LaunchConfigCommandArgs) =>
      profileLaunchConfig(runner, launchUnder, args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : {})),
    testLenses,
    vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, testLenses),
    vscode.commands.registerCommand(PROFILE_TEST_COMMAND, (uri?: vscode.Uri, line?: number, args?: ProfileTestArgs) =>
      profileTest(uri instanceof vscode.Uri ? uri : undefined, typeof line === 'number' ? line : undefined, runner, pytestAvailability, launchUnder, args)),
    reports, vscode.workspace.registerTextDocumentContentProvider(ReportDocuments.scheme, reports),
    vscode.commands.registerCommand('pyrometer.showRunDetails', (target?: RunRecord | string) => showRunDetails(runReports, target)),
    vscode.commands.registerCommand('pyrometer.compareWithBaseline', async (target?: RunRecord | string, args?: CompareCommandArgs) => {
      const outcome = await compareWithBaseline(runReports, target, args);
      if ('kind' in outcome) void flameGraph.refresh();
      return outcome;
    }),
    vscode.commands.registerCommand('pyrometer.showComparison', async () => {
      const text = reports.text(COMPARISON_REPORT);
      if (text) await reports.show(COMPARISON_REPORT, text);
      return text;
    }),
    vscode.commands.registerCommand('pyrometer.benchmark', (uri?: vscode.Uri, args?: BenchCommandArgs) =>
      benchmark({ runner, output, runnerRoot, reports }, uri, args)),
    vscode.commands.registerCommand('pyrometer.clearComparison', async () => {
      if (server.isRunning) await server.clearComparison();
      void flameGraph.refresh();
    }),
  );
  // Bring back the run shown before the window was reloaded, after activation has returned.
  if (shownRun.runId) setTimeout(() => void shownRun!.restore().then(sendSettings), 0);
  context.subscriptions.push(scheduleCodeCacheWarmup(context, () => server.bundleLoad !== undefined, line => output.appendLine(`[code cache] ${line}`)));
  return {
    activation: activationTiming(activateStartMs, load),
    languageClientLoad: () => server.bundleLoad,
    functionTableShown: () => table.lastShown,
  };
}

export function deactivate(): void {
  // Subscriptions dispose the server client, which stops the server.
}
