// Workspace trust as a user meets it (suite e2e-trust: a server with workspace trust ON, see scripts/test.sh).
// The user answers the startup dialog "No, I don't trust the authors", so the folder opens in Restricted Mode;
// then "Pyrometer: Profile this script (cProfile)" on calls.py must refuse with an error notification,
// run nothing (no python on calls.py, no profile written) and not even try the interpreter that the
// workspace's own .vscode/settings.json names in pyrometer.pythonPath (a marker script that records calls).
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import type { E2EContext, E2ETest, Workbench } from './workbench';

const COMMAND = 'Pyrometer: Profile this script (cProfile)';
const REFUSAL = 'does not profile in an untrusted workspace';

/** The interpreter the untrusted workspace asks for: a script that logs each start to TRIED and fails. */
const MARKER_DIR = path.join(os.tmpdir(), 'pyrometer-untrusted-marker'); // $TMPDIR is in the run folder
const MARKER = path.join(MARKER_DIR, 'python3');
const TRIED = path.join(MARKER_DIR, 'tried.log');

/** The workspace's .vscode/settings.json points pyrometer.pythonPath at the marker (idempotent). */
function plantMarker(workspace: string): void {
  fs.mkdirSync(MARKER_DIR, { recursive: true });
  fs.writeFileSync(MARKER, `#!/bin/sh\necho "$$ $*" >> '${TRIED}'\nexit 1\n`, { mode: 0o755 });
  fs.chmodSync(MARKER, 0o755);
  const settings = path.join(workspace, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(settings), { recursive: true });
  fs.writeFileSync(settings, JSON.stringify({ 'pyrometer.pythonPath': MARKER }, null, 2) + '\n');
}

/** Every run folder and profile.prof under <user-data>/User/workspaceStorage/<id>/pyrometer.pyrometer/runs/. */
function runsWritten(userDataDir: string): { runDirs: string[]; profiles: string[] } {
  const storage = path.join(userDataDir, 'User', 'workspaceStorage');
  const runDirs: string[] = [];
  const profiles: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === 'profile.prof') profiles.push(full);
    }
  };
  for (const ws of fs.existsSync(storage) ? fs.readdirSync(storage) : []) {
    const runs = path.join(storage, ws, 'pyrometer.pyrometer', 'runs');
    if (!fs.existsSync(runs)) continue;
    runDirs.push(...fs.readdirSync(runs).map((r) => path.join(runs, r)));
    walk(runs);
  }
  return { runDirs, profiles };
}

/**
 * Polls `ps` every 100 ms until stopped; `stop()` returns every distinct live process command line that
 * mentions one of `needles` (this workspace's calls.py, the marker interpreter).
 */
function watchProcesses(needles: string[]): { stop(): Promise<string[]> } {
  const seen = new Set<string>();
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid,stat,args'], { maxBuffer: 16 << 20 });
      for (const line of stdout.split('\n').slice(1)) {
        const [, pid = '', stat = '', args = ''] = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line) ?? [];
        if (!stat.startsWith('Z') && needles.some((n) => args.includes(n))) seen.add(`${pid} ${args}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      watching = false;
      await loop;
      return [...seen];
    },
  };
}

/** A fresh workbench on the workspace, left untrusted through the startup dialog, showing Restricted Mode. */
async function untrustedWorkbench(ctx: E2EContext, shots: string): Promise<Workbench> {
  plantMarker(ctx.env.workspace);
  const wb = await ctx.openWorkbench();
  await wb.trustDialog().waitFor({ timeout: 60_000 });
  await wb.page.waitForTimeout(500); // fade-in, for the screenshot
  await wb.screenshot(`untrusted-${shots}-1-trust-dialog`);
  const answer = "No, I don't trust the authors";
  await wb.answerTrustDialog(answer);
  ctx.log(`answered the trust dialog: ${answer}`);
  await wb.waitForRestrictedMode();
  return wb;
}

/**
 * Triggers the profile command with `trigger`, then collects every way it could have run something:
 * the refusal notification (must be there, an error, about trust and not the interpreter), python
 * processes on calls.py or the marker, profiles and run folders in the workspace storage, marker calls.
 */
async function assertRefused(ctx: E2EContext, wb: Workbench, shots: string, trigger: () => Promise<void>): Promise<void> {
  const calls = path.join(ctx.env.workspace, 'calls.py');
  const watcher = watchProcesses([calls, MARKER]);
  const problems: string[] = [];
  let message = '';
  try {
    await trigger();
    ctx.log(`ran "${COMMAND}"`);
    try {
      message = await wb.waitForNotification(REFUSAL, 30_000);
    } catch {
      problems.push(`no notification containing "${REFUSAL}"; toasts: ${JSON.stringify(await wb.notifications())}`);
    }
    await wb.screenshot(`untrusted-${shots}-2-refused`);
    await wb.page.waitForTimeout(3_000); // a run that slipped through would have started by now
  } finally {
    const processes = await watcher.stop();
    if (processes.length) problems.push(`processes on calls.py or the marker interpreter were started: ${processes.join(' | ')}`);
  }
  ctx.log('notification:', message);
  if (message) {
    const severity = await wb.notificationSeverity(REFUSAL);
    if (severity !== 'error') problems.push(`the refusal is shown as ${severity ?? 'nothing'}, not as an error`);
    if (message.includes(MARKER) || /interpreter|pythonPath/i.test(message)) {
      problems.push(`the refusal is about the interpreter, not about trust: "${message}"`);
    }
  }
  const { runDirs, profiles } = runsWritten(ctx.env.userDataDir);
  if (profiles.length) problems.push(`profiles were written: ${profiles.join(', ')}`);
  if (runDirs.length) problems.push(`run folders were created: ${runDirs.join(', ')}`);
  if (fs.existsSync(TRIED)) problems.push(`the workspace's pyrometer.pythonPath was started: ${fs.readFileSync(TRIED, 'utf8').trim()}`);
  assert.deepStrictEqual(problems, [], `Profiling in Restricted Mode was not refused cleanly:\n  ${problems.join('\n  ')}`);
}

export const tests: E2ETest[] = [
  {
    name: 'untrusted workspace: Profile this script from the palette is refused and runs nothing',
    async run(ctx) {
      const wb = await untrustedWorkbench(ctx, 'palette');
      await wb.openFile('calls.py');
      await assertRefused(ctx, wb, 'palette', () => wb.runCommand(COMMAND));
    },
  },
  {
    name: 'untrusted workspace: Profile this script from the Explorer context menu is refused and runs nothing',
    async run(ctx) {
      const wb = await untrustedWorkbench(ctx, 'explorer');
      await assertRefused(ctx, wb, 'explorer', () => wb.explorerContextMenu('calls.py', 'Profile this script (cProfile)'));
    },
  },
];
