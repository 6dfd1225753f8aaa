import vscode = require('vscode');
import { importAnnotations } from '../core/importLines';
import type { ImportTree } from '../core/importTime';

/**
 * CodeLens and hovers on the import lines of a script, from its last -X importtime run. Unlike the cProfile
 * figures (computed in the profile server), these are computed here in the extension host: the tree is small (a few
 * hundred nodes) and reading a file's import lines is a pass over its text, so a server round trip would cost more.
 */
export class ImportLenses implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** The last import run of each script, by fsPath. */
  private readonly runs = new Map<string, ImportTree>();

  set(script: string, tree: ImportTree): void {
    this.runs.set(script, tree);
    this.changed.fire();
  }

  private annotations(document: vscode.TextDocument) {
    const tree = this.runs.get(document.uri.fsPath);
    return tree ? importAnnotations(tree, document.getText()) : [];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return this.annotations(document).map(a => new vscode.CodeLens(new vscode.Range(a.line, 0, a.line, 0),
      { title: a.title, command: 'pyrometer.showImports', tooltip: 'Show the import tree' }));
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const a = this.annotations(document).find(x => x.line === position.line);
    return a ? new vscode.Hover(new vscode.MarkdownString(a.hoverMarkdown)) : undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
