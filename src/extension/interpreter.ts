import fs = require('fs');
import path = require('path');
import vscode = require('vscode');
import { readConfig } from './config';

export interface InterpreterChoice {
  readonly command: string;
  /** Where it came from, shown to the user with the run. */
  readonly source: 'Python extension' | 'pyrometer.pythonPath setting' | 'PATH' | 'launch configuration';
}

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(env: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

/** The Python extension's active interpreter when it is installed, else the setting, else python3/python on PATH. */
export async function chooseInterpreter(resource: vscode.Uri): Promise<InterpreterChoice | undefined> {
  const fromExtension = await activeInterpreterOfPythonExtension(resource);
  if (fromExtension) return { command: fromExtension, source: 'Python extension' };
  const configured = readConfig(resource).pythonPath;
  if (configured) return { command: expandHome(configured), source: 'pyrometer.pythonPath setting' };
  for (const name of ['python3', 'python']) {
    const found = findOnPath(name);
    if (found) return { command: found, source: 'PATH' };
  }
  return undefined;
}

async function activeInterpreterOfPythonExtension(resource: vscode.Uri): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const envs = api?.environments;
    if (!envs) return undefined;
    const resolved = await envs.resolveEnvironment(envs.getActiveEnvironmentPath(resource));
    return resolved?.executable.uri?.fsPath;
  } catch {
    return undefined;
  }
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(2)) : p;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
