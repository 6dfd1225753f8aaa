// Shared by the unit runner (runMocha.ts) and the extension-host entry (test/integration/index.ts):
// find compiled test files, run them with mocha, and write the suite's counts file
// test-results/<suite>.json = {"suite": ..., "passed": N, "failed": N, "failures": [...]} that scripts/test.sh
// sums. CI shows only the end of the output, so the summary repeats which tests failed and why (`failures`).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export interface Counts {
  passed: number;
  failed: number;
  /** One line per failed test: its title and its error. */
  failures?: string[];
}

/** `title: the error's message on one line`, short enough for the summary. */
export function failureLine(title: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = `${title}: ${message.replace(/\s+/g, ' ').trim()}`;
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** Every file under `dir` (recursively) whose name ends with `suffix`, sorted; [] if `dir` is missing. */
export function findTestFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(full, suffix));
    else if (entry.name.endsWith(suffix)) found.push(full);
  }
  return found.sort();
}

/** Runs `files` in one mocha instance. A file that fails to load counts as one failure. */
export async function runMochaFiles(files: string[], options: Mocha.MochaOptions): Promise<Counts> {
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', ...options });
  for (const f of files) mocha.addFile(f);
  try {
    await mocha.loadFilesAsync();
  } catch (e) {
    console.error('could not load the test files:', e instanceof Error ? e.stack : e);
    return { passed: 0, failed: 1, failures: [failureLine('loading the test files', e)] };
  }
  return new Promise<Counts>((resolve) => {
    const counts: Counts = { passed: 0, failed: 0, failures: [] };
    const runner = mocha.run(() => resolve(counts));
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => counts.passed++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test: Mocha.Runnable, err: unknown) => { // failing hooks too
      counts.failed++;
      counts.failures!.push(failureLine(test.fullTitle(), err));
    });
  });
}

export function writeCounts(file: string, suite: string, counts: Counts): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const failures = counts.failures ?? [];
  fs.writeFileSync(file, JSON.stringify({ suite, passed: counts.passed, failed: counts.failed, failures }) + '\n');
}
