// The integration suite on desktop VS Code via @vscode/test-electron (`npm run test:electron`).
// It downloads VS Code, so it needs a machine with internet access; `npm test` runs the same suite
// inside code-server instead (scripts/test.sh + extHostTests.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<number> {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const workloads = path.resolve(repoRoot, '..', 'shared', 'workloads');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrometer-electron-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace);
  for (const f of fs.readdirSync(workloads).filter((n) => n.endsWith('.py'))) {
    fs.copyFileSync(path.join(workloads, f), path.join(workspace, f));
  }
  try {
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions', // only the extension under development
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir', path.join(tmp, 'user-data'),
        '--extensions-dir', path.join(tmp, 'extensions'),
      ],
    });
    return 0;
  } catch (e) {
    console.error('integration tests failed:', e instanceof Error ? e.message : e);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => { process.exitCode = code; });
