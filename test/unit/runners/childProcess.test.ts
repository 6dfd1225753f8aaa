import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { runProcess } from '../../../src/runners/childProcess';
import { testPython } from '../../support/pythonForTests';

/** Alive and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Signals take a moment to land; give the tree up to 3 s to be gone. */
async function leftAlive(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 30 && pids.some(alive); i++) await new Promise(res => setTimeout(res, 100));
  return pids.filter(alive);
}

/** A script that starts a sleeping grandchild, prints both pids, then sleeps itself. */
/** Marks this run's processes, so the process-table check ignores anything else running on the machine. */
const MARK = `pyrometer-test-${process.pid}-${Date.now()}`;

const FORKS_AND_HANGS = `
import subprocess, sys, time, os
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)  # ${MARK}"])
print(os.getpid(), child.pid, flush=True)
time.sleep(600)  # ${MARK}
`;

describe('child processes: argv only, streamed, cancel and timeout kill the whole tree', function () {
  this.timeout(30000);
  const python = testPython();

  it('streams stdout and stderr and reports the exit code', async () => {
    let out = '';
    let err = '';
    const r = await runProcess({ command: python, args: ['-c', 'import sys; print("out"); print("err", file=sys.stderr); sys.exit(3)'], cwd: '/', timeoutMs: 0 },
      { onStdout: t => { out += t; }, onStderr: t => { err += t; } });
    assert.deepStrictEqual([r.end, r.exitCode, out, err], ['exited', 3, 'out\n', 'err\n']);
  });

  it('passes arguments verbatim, with no shell in between', async () => {
    let out = '';
    const tricky = ['$(echo hi)', '; rm -rf /', "it's", 'ünï cødé'];
    await runProcess({ command: python, args: ['-c', 'import sys, json; print(json.dumps(sys.argv[1:]))', ...tricky], cwd: '/', timeoutMs: 0 },
      { onStdout: t => { out += t; } });
    assert.deepStrictEqual(JSON.parse(out), tricky);
  });

  it('cancel kills the script and the processes it started', async () => {
    const abort = new AbortController();
    let out = '';
    const pending = runProcess({ command: python, args: ['-c', FORKS_AND_HANGS], cwd: '/', timeoutMs: 0 },
      { onStdout: t => { out += t; if (out.includes('\n')) abort.abort(); }, signal: abort.signal });
    const r = await pending;
    const [parent, child] = out.trim().split(' ').map(Number);
    assert.strictEqual(r.end, 'cancelled');
    assert.deepStrictEqual(await leftAlive([parent, child]), []);
  });

  it('a timeout stops a script that ignores SIGTERM', async () => {
    let out = '';
    const r = await runProcess({
      command: python, cwd: '/', timeoutMs: 1000,
      args: ['-c', 'import signal, time, os; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(os.getpid(), flush=True); time.sleep(600)  # ' + MARK],
    }, { onStdout: t => { out += t; } });
    assert.strictEqual(r.end, 'timedOut');
    assert.deepStrictEqual(await leftAlive([Number(out.trim())]), []);
  });

  it('cancel stops a script and its child that both ignore SIGTERM', async () => {
    const abort = new AbortController();
    let out = '';
    const ignoring = `
import signal, subprocess, sys, time, os
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)  # ${MARK}"])
print(os.getpid(), child.pid, flush=True)
time.sleep(600)  # ${MARK}
`;
    const r = await runProcess({ command: python, args: ['-c', ignoring], cwd: '/', timeoutMs: 0 },
      { onStdout: t => { out += t; if (out.includes('\n')) abort.abort(); }, signal: abort.signal });
    const [parent, child] = out.trim().split(' ').map(Number);
    assert.strictEqual(r.end, 'cancelled');
    assert.deepStrictEqual(await leftAlive([parent, child]), []);
  });

  it('a script that changes its cwd (and starts a child elsewhere) keeps its exit status, and cancel still kills both', async () => {
    const hereBefore = process.cwd();
    let out = '';
    const done = await runProcess({ command: python, cwd: '/', timeoutMs: 0,
      args: ['-c', 'import os, sys; os.chdir("/tmp"); print(os.getcwd()); sys.exit(4)'] }, { onStdout: t => { out += t; } });
    assert.deepStrictEqual([done.end, done.exitCode, out.trim()], ['exited', 4, '/tmp']);
    assert.strictEqual(process.cwd(), hereBefore, "the child's chdir is its own");

    const abort = new AbortController();
    out = '';
    const wanders = `
import os, subprocess, sys, time
os.chdir("/tmp")
child = subprocess.Popen([sys.executable, "-c", "import os, time; os.chdir('/'); time.sleep(600)  # ${MARK}"], cwd="/usr")
print(os.getpid(), child.pid, flush=True)
time.sleep(600)  # ${MARK}
`;
    const r = await runProcess({ command: python, args: ['-c', wanders], cwd: '/', timeoutMs: 0 },
      { onStdout: t => { out += t; if (out.includes('\n')) abort.abort(); }, signal: abort.signal });
    const [parent, child] = out.trim().split(' ').map(Number);
    assert.strictEqual(r.end, 'cancelled');
    assert.deepStrictEqual(await leftAlive([parent, child]), []);
  });

  it('a flood of output is cut at the limit, once, without losing the exit status', async () => {
    let forwarded = '';
    const r = await runProcess({ command: python, args: ['-c', 'import sys; sys.stdout.write("x" * (20 * 1024 * 1024))'], cwd: '/', timeoutMs: 0, maxForwardedBytes: 1024 * 1024 },
      { onStdout: t => { forwarded += t; } });
    assert.strictEqual(r.exitCode, 0);
    assert.ok(r.forwardedBytes <= 1024 * 1024 && r.droppedBytes > 0);
    assert.strictEqual((forwarded.match(/is not shown/g) ?? []).length, 1);
  });

  it('says why an interpreter that does not exist could not start', async () => {
    const r = await runProcess({ command: '/nonexistent/python3', args: [], cwd: '/', timeoutMs: 0 });
    assert.strictEqual(r.end, 'failedToStart');
    assert.match(r.startError ?? '', /ENOENT/);
  });

  it('leaves nothing behind in the process table after the tests above', () => {
    const ps = execFileSync('ps', ['-eo', 'args']).toString();
    assert.deepStrictEqual(ps.split('\n').filter(l => l.includes(MARK)), []);
  });
});
