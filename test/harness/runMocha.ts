// Programmatic mocha runner for Node-side suites (the unit tests), writing the suite's counts file.
// usage: node out/test/harness/runMocha.js SUITE OUT.json DIR [SUFFIX=.test.js]
import * as path from 'path';
import { findTestFiles, runMochaFiles, writeCounts } from './mochaCounts';

async function main(): Promise<number> {
  const [suite, outFile, dir, suffix = '.test.js'] = process.argv.slice(2);
  if (!suite || !outFile || !dir) {
    console.error('usage: runMocha.js SUITE OUT.json DIR [SUFFIX]');
    return 2;
  }
  const files = findTestFiles(path.resolve(dir), suffix);
  if (files.length === 0) console.warn(`${suite}: no *${suffix} files under ${dir}`);
  const counts = await runMochaFiles(files, { timeout: 20000 });
  writeCounts(outFile, suite, counts);
  console.log(`${suite}: ${counts.passed} passed, ${counts.failed} failed`);
  return counts.failed > 0 ? 1 : 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (e) => { console.error(e); process.exitCode = 1; },
);
