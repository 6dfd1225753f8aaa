import * as vscode from 'vscode';

/** Opens a profiled file at a 1-based line, or says why it can't. */
export async function openSourceAt(file: string, line: number): Promise<void> {
  try {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const position = new vscode.Position(Math.max(0, line - 1), 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(position, position), preview: true });
  } catch {
    void vscode.window.showWarningMessage(`Pyrometer: ${file} is not available on this machine (moved, deleted, or profiled elsewhere).`);
  }
}
