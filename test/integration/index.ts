// Entry point the extension host loads through extensionTestsPath (code-server payload or
// @vscode/test-electron): runs every out/test/integration/**/*.test.js with mocha and writes
// <repoRoot>/test-results/integration.json. Mocha's report goes to console.log, which the
// extension host forwards to the page console (printed by test/harness/extHostTests.ts).
import * as path from 'path';
import { type Counts, failureLine, findTestFiles, runMochaFiles, writeCounts } from '../harness/mochaCounts';

export async function run(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..', '..', '..'); // out/test/integration -> repo
  let counts: Counts;
  try {
    // PYROMETER_INTEGRATION_ONLY=lineTiming runs only the files whose name contains it (a developer's loop;
    // npm test never sets it).
    const only = process.env.PYROMETER_INTEGRATION_ONLY;
    const files = findTestFiles(__dirname, '.test.js').filter(f => !only || path.basename(f).includes(only));
    console.log(`integration: ${files.length} test file(s) in the extension host`);
    counts = await runMochaFiles(files, { ui: 'bdd', timeout: 120_000 });
  } catch (e) {
    console.error('integration runner crashed:', e instanceof Error ? e.stack : e);
    counts = { passed: 0, failed: 1, failures: [failureLine('the integration runner', e)] };
  }
  writeCounts(path.join(repoRoot, 'test-results', 'integration.json'), 'integration', counts);
  console.log(`integration: ${counts.passed} passed, ${counts.failed} failed`);
  if (counts.failed > 0) throw new Error(`${counts.failed} integration test(s) failed`);
}
