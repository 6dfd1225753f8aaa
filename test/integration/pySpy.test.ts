import * as assert from 'assert';
import { spawn } from 'child_process';
import { readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ProfileCommandResult } from '../../src/extension/profileRun';
import { defaultTempRoot } from '../../src/runners/tempRoot';
import { hoverText, lensTitles, workspaceRoot } from './workspaceFixtures';

function profileWithPySpy(file: string): Thenable<ProfileCommandResult | undefined> {
  return vscode.commands.executeCommand<ProfileCommandResult | undefined>('pyrometer.profilePySpy', vscode.Uri.file(file));
}

/**
 * py-spy's own count for a function, read straight from its raw file: the samples of every stack line in which
 * a frame `name (file:…)` appears (once per line, however often it recurses).
 */
function rawSamplesOf(rawFile: string, name: string, file: string): number {
  const frame = `${name} (${file}:`;
  let total = 0;
  for (const line of readFileSync(rawFile, 'utf8').split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space < 0) continue;
    if (line.slice(0, space).split(';').some(f => f.startsWith(frame))) total += Number(line.slice(space + 1));
  }
  return total;
}

async function setPySpySetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('pyrometer.pyspy').update(key, value, vscode.ConfigurationTarget.Workspace);
}

describe('Profile this script (py-spy), in the real editor', function () {
  this.timeout(180000);
  let app: string;
  let result: ProfileCommandResult | undefined;

  before(async () => {
    app = path.join(workspaceRoot(), 'mixed_app.py');
    result = await profileWithPySpy(app);
    assert.ok(result?.runId, `no run: ${result?.verdict.message}`);
  });

  it("shows parse's CodeLens with exactly py-spy's own sample count from the same run", async () => {
    const lenses = await lensTitles(app);
    const parse = lenses.find(l => l.line === 15);
    assert.ok(parse, `no lens on def parse: ${JSON.stringify(lenses)}`);
    const expected = rawSamplesOf(result!.rawProfilePath!, 'parse', app);
    assert.ok(expected > 0, 'py-spy took no samples in parse');
    const m = /^py-spy: [\d.]+% total \(([\d,]+) samples?\)/.exec(parse!.title);
    assert.ok(m, parse!.title);
    assert.strictEqual(Number(m![1].replace(/,/g, '')), expected);
  });

  it('hover on the regex line shows its samples and the hottest stacks through it', async () => {
    const text = await hoverText(app, 18);
    assert.match(text, /Pyrometer \(py-spy\)/);
    assert.match(text, /Hottest stacks through this line/);
    assert.match(text, /main › parse/);
    // The unprofiled run's bytecode comes with it: LOAD_ATTR/CALL of LOG_LINE.match and their status.
    assert.match(text, /Bytecode of line 19\*\* — Python [\d.\\]+, after running the script/);
    assert.match(text, /`(?:LOAD_ATTR|LOAD_METHOD|CALL|PRECALL)\w*`/);
  });

  it('opens the flame graph beside the editor', async () => {
    // A panel left open by an earlier test would only be revealed: closed, the new one asks for its graph.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const since = Date.now();
    await vscode.commands.executeCommand('pyrometer.showFlameGraph');
    let labels: string[] = [];
    for (let i = 0; i < 50 && !labels.includes('Pyrometer: Flame Graph'); i++) {
      await new Promise(r => setTimeout(r, 100));
      labels = vscode.window.tabGroups.all.flatMap(g => g.tabs).map(t => t.label);
    }
    assert.ok(labels.includes('Pyrometer: Flame Graph'), `tabs: ${labels}`);
    // The graph goes to the page as a file the server wrote (the extension host only passes its name on). Other open
    // views (profile files of earlier tests) may write theirs meanwhile: look for this run's among those written since.
    const holdsThisRun = (file: string): boolean => {
      try {
        const graph = JSON.parse(readFileSync(file, 'utf8')) as { panes?: unknown[]; frames?: { name: string; file: string }[] };
        return (graph.panes?.length ?? 0) > 0 && (graph.frames ?? []).some(f => f.name === 'parse' && f.file.endsWith('mixed_app.py'));
      } catch {
        return false; // removed or being written meanwhile
      }
    };
    let written: string[] = [];
    for (let i = 0; i < 50 && !written.some(holdsThisRun); i++) {
      await new Promise(r => setTimeout(r, 100));
      written = flameGraphFiles().filter(f => statSync(f).mtimeMs >= since - 1000);
    }
    assert.ok(written.some(holdsThisRun), `no flame-graph-*.json with this run's graph under ${defaultTempRoot()} (written since: ${written.join(', ') || 'none'})`);
  });

  it('attaches to a running Python process and shows its samples', async () => {
    const script = 'import time\ndef spin():\n    t = time.time()\n    while time.time() - t < 30:\n        sum(range(1000))\nspin()\n';
    const child = spawn('python3', ['-c', script], { stdio: 'ignore' });
    try {
      await new Promise(r => setTimeout(r, 1000));
      await setPySpySetting('attachDurationSeconds', 2);
      const attached = await vscode.commands.executeCommand<ProfileCommandResult>('pyrometer.attachPySpy', child.pid);
      assert.ok(attached?.runId, attached?.verdict.message);
      assert.match(attached!.verdict.message, /^Sampled process \d+: [\d,]+ samples\./);
    } finally {
      child.kill('SIGKILL');
      await setPySpySetting('attachDurationSeconds', undefined);
    }
  });

  it('says how to install py-spy when it is missing, and shows nothing', async () => {
    await setPySpySetting('path', '/nonexistent/py-spy');
    try {
      const r = await profileWithPySpy(app);
      assert.strictEqual(r?.verdict.showResults, false);
      assert.match(r!.verdict.message, /py-spy was not found.*pip install py-spy/);
    } finally {
      await setPySpySetting('path', undefined);
    }
  });
});

/** The flame graph files the language server has written (server/flameGraphFiles.ts), oldest first. */
function flameGraphFiles(): string[] {
  const root = defaultTempRoot();
  let owners: string[] = [];
  try {
    owners = readdirSync(root).map(d => path.join(root, d));
  } catch {
    return [];
  }
  return owners.flatMap(dir => {
    try {
      return readdirSync(dir).filter(f => /^flame-graph-\d+\.json$/.test(f)).map(f => path.join(dir, f));
    } catch {
      return [];
    }
  }).sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
}
