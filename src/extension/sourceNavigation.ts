import vscode = require('vscode');

/**
 * Opens a profiled file at a 1-based line, or says why it can't. A file already visible is revealed where it is;
 * otherwise it opens in the first column, not beside a webview that asked for it (which would split the editor).
 */
export async function openSourceAt(file: string, line: number): Promise<void> {
  try {
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    const position = new vscode.Position(Math.max(0, line - 1), 0);
    const visible = vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === uri.toString());
    await vscode.window.showTextDocument(doc, {
      selection: new vscode.Range(position, position), preview: true,
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
    });
  } catch {
    void vscode.window.showWarningMessage(`Pyrometer: ${file} is not available on this machine (moved, deleted, or profiled elsewhere).`);
  }
}
