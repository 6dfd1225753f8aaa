import vscode = require('vscode');
import { HEAT_LEVELS, heatLevel, LineAnnotation } from '../core/lineAnnotations';
import type { LineAnnotationsResult } from '../protocol/serverRequests';
import type { ServerClient } from './serverClient';

const REFRESH_AFTER_EDIT_MS = 300;
/** Gutter bar lengths drawn (media/gutter/bar-1..N.svg): a line's time against the file's slowest line. */
const GUTTER_BARS = 8;

/** Heat backgrounds and after-text on profiled lines of every visible Python editor, from the server. */
export class HeatDecorations implements vscode.Disposable {
  /** Made when a file first has figures to show: activation only wires things up. */
  private types: DecorationTypes | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private editTimer: NodeJS.Timeout | undefined;

  constructor(private readonly server: ServerClient, private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()),
      vscode.workspace.onDidChangeTextDocument(e => {
        if (e.document.languageId !== 'python' || e.contentChanges.length === 0) return;
        clearTimeout(this.editTimer);
        this.editTimer = setTimeout(() => this.refreshAll(), REFRESH_AFTER_EDIT_MS);
      }),
    );
  }

  /** Re-asks the server for every visible Python editor; cheap when nothing is profiled. */
  refreshAll(): void {
    if (!this.server.isRunning) return;
    for (const editor of vscode.window.visibleTextEditors) void this.refresh(editor);
  }

  private async refresh(editor: vscode.TextEditor): Promise<void> {
    if (editor.document.languageId !== 'python' || editor.document.uri.scheme !== 'file') return;
    let result: LineAnnotationsResult;
    try {
      result = await this.server.lineAnnotations(editor.document.uri.toString());
    } catch {
      return; // the server is restarting; the restart refreshes again
    }
    if (result.annotations.length === 0 && !this.types) return;
    const types = this.types ??= decorationTypes(this.extensionUri);
    const byLevel: vscode.DecorationOptions[][] = types.levels.map(() => []);
    const byBar: vscode.DecorationOptions[][] = types.bars.map(() => []);
    const unexecuted: vscode.DecorationOptions[] = [];
    for (const a of result.annotations) {
      if (!a.afterText || a.line >= editor.document.lineCount) continue;
      const decoration = decorationFor(a, editor.document);
      if (a.kind === 'unexecuted') {
        unexecuted.push(decoration);
        continue;
      }
      byLevel[heatLevel(a.heat)].push(decoration);
      if (a.gutterFraction !== undefined && a.gutterFraction > 0) {
        byBar[Math.min(GUTTER_BARS, Math.max(1, Math.ceil(a.gutterFraction * GUTTER_BARS))) - 1].push({ range: decoration.range });
      }
    }
    types.levels.forEach((type, level) => editor.setDecorations(type, byLevel[level]));
    types.bars.forEach((type, k) => editor.setDecorations(type, byBar[k]));
    editor.setDecorations(types.unexecuted, unexecuted);
  }

  private allTypes(): vscode.TextEditorDecorationType[] {
    return this.types ? [...this.types.levels, ...this.types.bars, this.types.unexecuted] : [];
  }

  clearAll(): void {
    for (const editor of vscode.window.visibleTextEditors) for (const type of this.allTypes()) editor.setDecorations(type, []);
  }

  dispose(): void {
    clearTimeout(this.editTimer);
    this.allTypes().forEach(d => d.dispose());
    this.disposables.forEach(d => d.dispose());
  }
}

interface DecorationTypes {
  /** Heat backgrounds, coolest first (HEAT_LEVELS). */
  readonly levels: readonly vscode.TextEditorDecorationType[];
  /** Gutter bars, shortest first (GUTTER_BARS). */
  readonly bars: readonly vscode.TextEditorDecorationType[];
  /** A line of a timed function that never ran: dimmed, so untested paths stand out from hot ones. */
  readonly unexecuted: vscode.TextEditorDecorationType;
}

function decorationTypes(extensionUri: vscode.Uri): DecorationTypes {
  return {
    levels: Array.from({ length: HEAT_LEVELS }, (_, level) => vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: `rgba(255, 96, 0, ${(0.06 + 0.08 * level).toFixed(2)})`,
      overviewRulerColor: `rgba(255, 96, 0, ${(0.3 + 0.15 * level).toFixed(2)})`,
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em' },
    })),
    bars: Array.from({ length: GUTTER_BARS }, (_, k) => vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'gutter', `bar-${k + 1}.svg`),
      gutterIconSize: 'contain',
    })),
    unexecuted: vscode.window.createTextEditorDecorationType({
      isWholeLine: true, opacity: '0.55',
      after: { color: new vscode.ThemeColor('disabledForeground'), margin: '0 0 0 2em', fontStyle: 'italic' },
    }),
  };
}

function decorationFor(a: LineAnnotation, doc: vscode.TextDocument): vscode.DecorationOptions {
  const line = doc.lineAt(a.line);
  return { range: line.range, renderOptions: { after: { contentText: a.afterText } } };
}
