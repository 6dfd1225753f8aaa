import * as assert from 'assert';
import { spawn } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listPythonProcesses } from '../../../src/runners/pythonProcesses';
import { testPython } from '../../support/pythonForTests';

describe('listing Python processes to attach to', () => {
  it('finds a running interpreter with its exact command line', async function () {
    this.timeout(20000);
    const child = spawn(testPython(), ['-c', 'import time; time.sleep(30)', 'arg with space'], { stdio: 'ignore' });
    try {
      await new Promise(r => setTimeout(r, 300));
      const found = (await listPythonProcesses()).find(p => p.pid === child.pid);
      assert.ok(found, 'the sleeping interpreter is not listed');
      assert.match(found!.commandLine, /time\.sleep\(30\) arg with space$/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('ignores processes that are not Python and entries that vanish', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-proc-'));
    try {
      await fs.mkdir(path.join(root, '101'));
      await fs.writeFile(path.join(root, '101', 'cmdline'), '/usr/bin/python3.12\0app.py\0');
      await fs.mkdir(path.join(root, '102'));
      await fs.writeFile(path.join(root, '102', 'cmdline'), '/usr/bin/bash\0-c\0python3 x\0');
      await fs.mkdir(path.join(root, '103')); // no cmdline: a process that exited while we looked
      await fs.mkdir(path.join(root, 'self'));
      const found = await listPythonProcesses(root, -1);
      assert.deepStrictEqual(found.map(p => [p.pid, p.commandLine]), [[101, '/usr/bin/python3.12 app.py']]);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
