// The loop and the entry shared by the browser suites (test/webview/*.browser.ts): tests run one by one, each
// against the pages it opens; a failed test leaves a screenshot of each page and the page's last errors; the suite
// writes test-results/<suite>.json for scripts/test.sh.
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { interruptedBy, launchChromium } from './browser';
import { type Counts, failureLine, writeCounts } from './mochaCounts';

const repoRoot = path.resolve(__dirname, '..', '..', '..'); // out/test/harness -> repo

/** A page a test opened: screenshotted with its errors when the test fails, closed after the test. */
export interface TestPage {
  readonly errors: readonly string[];
  screenshot(name: string, resultsDir: string): Promise<string>;
  close(): Promise<void>;
}

export interface SuiteOptions<T> {
  readonly resultsDir: string;
  /** Only the tests whose name contains it. */
  readonly grep?: string;
  /** The built app the tests load (`npm run build` makes it): without it, one failure saying so. */
  readonly bundle: string;
  /** Runs one test in the suite's Chromium; every page it opens goes through `track`. */
  run(test: T, browser: Browser, track: <P extends TestPage>(page: P) => P, log: (...args: unknown[]) => void): Promise<void>;
}

const TEST_TIMEOUT_MS = 60_000;

/** Runs the tests (all, or those whose name contains `grep`) in one Chromium, one after the other. */
export async function runBrowserTests<T extends { readonly name: string }>(tests: readonly T[], options: SuiteOptions<T>): Promise<Counts> {
  if (!fs.existsSync(options.bundle)) {
    console.error(`✗ ${options.bundle} is missing: run npm run build first`);
    return { passed: 0, failed: 1, failures: [`${options.bundle} is missing`] };
  }
  const browser = await launchChromium();
  try {
    return await runEach(tests, browser, options);
  } finally {
    await browser.close();
  }
}

async function runEach<T extends { readonly name: string }>(tests: readonly T[], browser: Browser, options: SuiteOptions<T>): Promise<Counts> {
  const counts: Counts = { passed: 0, failed: 0, failures: [] };
  for (const test of tests.filter(t => !options.grep || t.name.includes(options.grep))) {
    const pages: TestPage[] = [];
    const track = <P extends TestPage>(page: P): P => { pages.push(page); return page; };
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        options.run(test, browser, track, (...a) => console.log('     ', ...a)),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000}s`)), TEST_TIMEOUT_MS); }),
      ]);
      counts.passed++;
      console.log(`  ✓ ${test.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      counts.failed++;
      counts.failures!.push(failureLine(test.name, e));
      console.error(`  ✗ ${test.name}\n    ${e instanceof Error ? e.stack ?? e.message : e}`);
      for (const [i, p] of pages.entries()) {
        const shot = await p.screenshot(`failure-${test.name.slice(0, 40).replace(/[^\w-]+/g, '_')}-${i + 1}`, options.resultsDir).catch(() => undefined);
        if (shot) console.error(`    screenshot: ${path.relative(repoRoot, shot)}`);
        for (const err of p.errors.slice(-5)) console.error(`    page: ${err}`);
      }
    } finally {
      clearTimeout(timer);
      for (const p of pages) await p.close().catch(() => undefined);
    }
  }
  return counts;
}

/**
 * A browser suite run as a script (`node out/test/webview/X.browser.js [RESULTS_DIR]`): RESULTS_DIR/<suite>.json,
 * the suite's `N passed, N failed` line, exit code 1 on any failure. A suite that throws counts as one failure.
 */
export function runSuiteAsMain(suite: string, title: string, run: (resultsDir: string) => Promise<Counts>): void {
  const resultsDir = path.resolve(process.argv[2] ?? process.env.PYROMETER_RESULTS_DIR ?? path.join(repoRoot, 'test-results'));
  const countsFile = path.join(resultsDir, `${suite}.json`);
  console.log(`${suite}: ${title}`);
  run(resultsDir).then(
    counts => {
      if (interruptedBy()) return;
      writeCounts(countsFile, suite, counts);
      console.log(`${suite}: ${counts.passed} passed, ${counts.failed} failed`);
      process.exitCode = counts.failed > 0 ? 1 : 0;
    },
    e => {
      console.error(e);
      writeCounts(countsFile, suite, { passed: 0, failed: 1, failures: [failureLine(`the ${suite} runner`, e)] });
      process.exitCode = 1;
    },
  );
}
