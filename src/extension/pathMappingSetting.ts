import os = require('os');
import path = require('path');
import vscode = require('vscode');
import type { PathMapping } from '../core/pathMappings';

/**
 * `pyrometer.pathMappings`: `[{ "from": "/srv/app", "to": "${workspaceFolder}" }, …]`, applied to the frames of a
 * profile file when it is opened (runs Pyrometer made itself already name this machine's files). Variables in `to`
 * (and `from`): `${workspaceFolder}` (the folder of the opened file, else the first one), `${workspaceFolder:NAME}`,
 * `${userHome}` and a leading `~`. Entries that are not `{from, to}` strings, or name a folder that is not open, are
 * skipped and reported.
 */
export interface PathMappingSetting {
  readonly mappings: PathMapping[];
  /** Entries that could not be used, in the user's words. */
  readonly problems: string[];
}

export function readPathMappings(scope?: vscode.Uri): PathMappingSetting {
  const raw = vscode.workspace.getConfiguration('pyrometer', scope).get<unknown>('pathMappings', []);
  const mappings: PathMapping[] = [];
  const problems: string[] = [];
  if (!Array.isArray(raw)) return { mappings, problems: ['"pyrometer.pathMappings" should be a list of { "from", "to" } entries.'] };
  const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  raw.forEach((entry, i) => {
    const e = entry as { from?: unknown; to?: unknown } | null;
    if (!e || typeof e.from !== 'string' || typeof e.to !== 'string' || !e.from || !e.to) {
      problems.push(`pyrometer.pathMappings[${i}] is not { "from": "...", "to": "..." }.`);
      return;
    }
    try {
      mappings.push({ from: expand(e.from, folder), to: expand(e.to, folder) });
    } catch (err) {
      problems.push(`pyrometer.pathMappings[${i}]: ${(err as Error).message}`);
    }
  });
  return { mappings, problems };
}

function expand(text: string, folder: vscode.WorkspaceFolder | undefined): string {
  let out = text.replace(/\$\{workspaceFolder(?::([^}]*))?\}/g, (_m, name: string | undefined) => {
    if (name !== undefined) {
      const named = vscode.workspace.workspaceFolders?.find(f => f.name === name);
      if (!named) throw new Error(`no open workspace folder is named "${name}"`);
      return named.uri.fsPath;
    }
    if (!folder) throw new Error('${workspaceFolder} is used but no folder is open');
    return folder.uri.fsPath;
  });
  out = out.replace(/\$\{userHome\}/g, os.homedir());
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) out = path.join(os.homedir(), out.slice(1));
  return out;
}
