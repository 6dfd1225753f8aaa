import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import * as assert from 'assert';
import type { ProfileFileCommandResult } from '../../src/extension/profileFileEditor';
import type { ProfileCommandResult } from '../../src/extension/profileRun';

/** The workspace the suite runs in: a fresh copy of ../shared/workloads made by the harness. */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration suite needs a workspace folder (a copy of the workloads)');
  return folder.uri.fsPath;
}

/** Writes a script into the workspace (under pyrometer-fixtures/) and returns its path. */
export async function writeScript(relative: string, text: string): Promise<string> {
  const file = path.join(workspaceRoot(), 'pyrometer-fixtures', relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  return file;
}

export function profile(file: string): Thenable<ProfileCommandResult | undefined> {
  return vscode.commands.executeCommand<ProfileCommandResult | undefined>('pyrometer.profileCProfile', vscode.Uri.file(file));
}

export async function lensTitles(file: string): Promise<{ line: number; title: string }[]> {
  const uri = vscode.Uri.file(file);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  // CodeLens arrive after the server has the run; poll briefly rather than sleep blindly.
  for (let i = 0; i < 50; i++) {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
    const titles = lenses.filter(l => l.command?.title).map(l => ({ line: l.range.start.line, title: l.command!.title }));
    if (titles.length) return titles;
    await new Promise(r => setTimeout(r, 100));
  }
  return [];
}

export async function hoverText(file: string, line: number): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider',
    vscode.Uri.file(file), new vscode.Position(line, 4));
  return hovers.flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : c.value))).join('\n');
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('pyrometer').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Opens a profile file with Pyrometer's editor (vscode.openWith, as "Open With…" does) and returns what it shows. */
export async function openProfileFile(file: string): Promise<ProfileFileCommandResult> {
  const uri = vscode.Uri.file(file);
  await vscode.commands.executeCommand('vscode.openWith', uri, 'pyrometer.profileFile');
  const shown = await vscode.commands.executeCommand<ProfileFileCommandResult | undefined>('pyrometer.openProfileFile', uri);
  assert.ok(shown, `the editor did not open ${file}`);
  return shown!;
}
