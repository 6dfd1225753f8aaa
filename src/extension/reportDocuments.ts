import vscode = require('vscode');

/**
 * Read-only Markdown documents Pyrometer writes (a run's details, a comparison's deltas), served from memory under
 * the `pyrometer-report` scheme: nothing is written to the workspace, and closing them asks nothing.
 */
export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'pyrometer-report';
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '# Pyrometer\n\nThis report is no longer available: run the command again.\n';
  }

  /** Stores the Markdown under `name` and opens its preview (the text beside it when no preview is available). */
  async show(name: string, markdown: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: ReportDocuments.scheme, path: `/${name}.md` });
    this.contents.set(uri.path, markdown);
    this.changed.fire(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
    return uri;
  }

  text(name: string): string | undefined {
    return this.contents.get(`/${name}.md`);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
