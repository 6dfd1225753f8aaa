import vscode = require('vscode');
import { renderBytecodeDocument, BytecodeDocument } from '../core/bytecodeDocument';
import { BytecodeListing, SpecializationStatus } from '../core/bytecodeResult';
import { familyExplanationMarkdown, specializationHoverMarkdown } from '../core/specializationHover';

/** Read-only documents `pyrometer-bytecode:<script path>.pydis` (language pyrometer-dis, see package.json). */
export const BYTECODE_SCHEME = 'pyrometer-bytecode';
const SUFFIX = '.pydis';

export function bytecodeUriOf(script: string): vscode.Uri {
  return vscode.Uri.from({ scheme: BYTECODE_SCHEME, path: vscode.Uri.file(script).path + SUFFIX });
}

function scriptOf(uri: vscode.Uri): string | undefined {
  return uri.scheme === BYTECODE_SCHEME && uri.path.endsWith(SUFFIX)
    ? vscode.Uri.file(uri.path.slice(0, -SUFFIX.length)).fsPath : undefined;
}

interface Shown {
  readonly listing: BytecodeListing;
  readonly document: BytecodeDocument;
}

const STATUS_STYLES: Readonly<Partial<Record<SpecializationStatus, vscode.DecorationRenderOptions>>> = {
  specialized: {
    isWholeLine: true, backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'), overviewRulerLane: vscode.OverviewRulerLane.Left,
  },
  failed: {
    isWholeLine: true, backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.errorForeground'), overviewRulerLane: vscode.OverviewRulerLane.Right,
  },
  unspecialized: {
    isWholeLine: true, overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.warningForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  },
  cold: { isWholeLine: true, opacity: '0.6' },
};

/**
 * The bytecode side panel: serves the listing documents, colours instructions by status, follows the cursor
 * between the source and its listing (both ways), and answers hovers — on an instruction, what its family does;
 * on a source line, the line's instructions with their status.
 *
 * Listings are parsed here, not in the language server: one is bounded by the size of one source file, and the
 * document text and its line mapping are needed here anyway.
 */
export class BytecodeView implements vscode.TextDocumentContentProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly shown = new Map<string, Shown>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly statusTypes = new Map<SpecializationStatus, vscode.TextEditorDecorationType>();
  private readonly follow = vscode.window.createTextEditorDecorationType({
    isWholeLine: true, backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    borderColor: new vscode.ThemeColor('editor.rangeHighlightBorder'), borderStyle: 'solid', borderWidth: '1px 0',
  });
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(BYTECODE_SCHEME, this),
      vscode.languages.registerHoverProvider({ scheme: BYTECODE_SCHEME }, this),
      vscode.languages.registerHoverProvider({ scheme: 'file', language: 'python' }, { provideHover: (d, p) => this.sourceHover(d, p) }),
      vscode.window.onDidChangeTextEditorSelection(e => this.followCursor(e.textEditor)),
      vscode.window.onDidChangeVisibleTextEditors(editors => editors.forEach(ed => this.decorate(ed))),
    );
  }

  /** Shows (or refreshes) the listing of a script beside its source; `sourceLine` (1-based) is scrolled to. */
  async show(script: string, listing: BytecodeListing, sourceLines: readonly string[], sourceLine?: number): Promise<vscode.TextEditor> {
    const uri = bytecodeUriOf(script);
    this.shown.set(script, { listing, document: renderBytecodeDocument(listing, sourceLines) });
    this.changed.fire(uri);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'pyrometer-dis') doc = await vscode.languages.setTextDocumentLanguage(doc, 'pyrometer-dis');
    const sourceEditor = vscode.window.visibleTextEditors.find(e => e.document.uri.fsPath === script && e.document.uri.scheme === 'file');
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: sourceEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preview: false, preserveFocus: true,
    });
    this.decorate(editor);
    const line = sourceLine ?? (sourceEditor ? sourceEditor.selection.active.line + 1 : undefined);
    if (line !== undefined) this.revealInListing(script, line);
    return editor;
  }

  /** The rendered document of a script's listing, for tests and commands. */
  documentOf(script: string): BytecodeDocument | undefined {
    return this.shown.get(script)?.document;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const script = scriptOf(uri);
    const shown = script ? this.shown.get(script) : undefined;
    return shown?.document.text ?? '# No bytecode listing for this file in this window: run "Pyrometer: Show specialized bytecode" on it.\n';
  }

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const script = scriptOf(doc.uri);
    const shown = script ? this.shown.get(script) : undefined;
    const at = shown?.document.instructionAt(position.line);
    if (!shown || !at) return undefined;
    const text = familyExplanationMarkdown(at.instruction.opname, shown.listing.families);
    return text ? new vscode.Hover(new vscode.MarkdownString(text)) : undefined;
  }

  /** While a file's listing is open beside it, hovering any of its lines lists that line's instructions. */
  private sourceHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const shown = this.shown.get(doc.uri.fsPath);
    const listingUri = bytecodeUriOf(doc.uri.fsPath).toString();
    if (!shown || !vscode.window.visibleTextEditors.some(e => e.document.uri.toString() === listingUri)) return undefined;
    const text = specializationHoverMarkdown(shown.listing, position.line + 1);
    return text ? new vscode.Hover(new vscode.MarkdownString(text)) : undefined;
  }

  private decorate(editor: vscode.TextEditor): void {
    const script = scriptOf(editor.document.uri);
    const shown = script ? this.shown.get(script) : undefined;
    if (!shown) return;
    // Made for the first listing shown, not at activation.
    if (this.statusTypes.size === 0) {
      for (const [status, style] of Object.entries(STATUS_STYLES) as [SpecializationStatus, vscode.DecorationRenderOptions][]) {
        this.statusTypes.set(status, vscode.window.createTextEditorDecorationType(style));
      }
    }
    const byStatus = new Map<SpecializationStatus, vscode.Range[]>();
    for (let line = 0; line < shown.document.lineCount; line++) {
      const status = shown.document.statusAt(line);
      if (!status || !this.statusTypes.has(status)) continue;
      const list = byStatus.get(status) ?? [];
      list.push(new vscode.Range(line, 0, line, 0));
      byStatus.set(status, list);
    }
    for (const [status, type] of this.statusTypes) editor.setDecorations(type, byStatus.get(status) ?? []);
  }

  /** Cursor in a source file → its block in the listing; cursor in a listing → its line in the source. */
  private followCursor(editor: vscode.TextEditor): void {
    const line = editor.selection.active.line;
    const listingOf = scriptOf(editor.document.uri);
    if (listingOf) {
      const sourceLine = this.shown.get(listingOf)?.document.sourceLineOf(line);
      const source = vscode.window.visibleTextEditors.find(e => e.document.uri.scheme === 'file' && e.document.uri.fsPath === listingOf);
      if (sourceLine === undefined || !source) return;
      const range = new vscode.Range(sourceLine - 1, 0, sourceLine - 1, 0);
      source.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      source.setDecorations(this.follow, [range]);
      return;
    }
    if (editor.document.uri.scheme === 'file' && this.shown.has(editor.document.uri.fsPath)) {
      this.revealInListing(editor.document.uri.fsPath, line + 1);
    }
  }

  private revealInListing(script: string, sourceLine: number): void {
    const uri = bytecodeUriOf(script).toString();
    const listingEditor = vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === uri);
    const block = this.shown.get(script)?.document.docLinesOf(sourceLine);
    if (!listingEditor) return;
    if (!block) {
      listingEditor.setDecorations(this.follow, []);
      return;
    }
    const range = new vscode.Range(block.first, 0, block.last, 0);
    listingEditor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    listingEditor.setDecorations(this.follow, [range]);
  }

  dispose(): void {
    this.changed.dispose();
    this.follow.dispose();
    this.statusTypes.forEach(t => t.dispose());
    this.disposables.forEach(d => d.dispose());
  }
}
