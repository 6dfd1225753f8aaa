// Runs the e2e tests (every test/e2e/*.e2e.ts, compiled to out/test/e2e/*.e2e.js; each exports
// `tests: E2ETest[]`) against a running code-server, one after another, each on a fresh browser page.
// Writes test-results/e2e.json and saves a screenshot of every page of a failed test.
// Environment (set by scripts/test.sh): PYROMETER_E2E_URL, PYROMETER_E2E_WORKSPACE, PYROMETER_E2E_USER_DATA,
// PYROMETER_E2E_SCREENSHOTS, PYROMETER_E2E_RESULTS (counts file), PYROMETER_E2E_GREP (optional name filter),
// PYROMETER_E2E_KIND (optional, default "e2e"): run test/e2e/*.<KIND>.ts instead, as the suite "e2e-<KIND>"
// (e.g. "trust": the *.trust.ts tests, which need a server with workspace trust on).
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { interruptedBy, launchChromium } from '../harness/browser';
import { failureLine, writeCounts } from '../harness/mochaCounts';
import { type E2EContext, type E2EEnv, type E2ETest, Workbench } from './workbench';

const repoRoot = path.resolve(__dirname, '..', '..', '..'); // out/test/e2e -> repo
const kind = process.env.PYROMETER_E2E_KIND || 'e2e';
const suite = kind === 'e2e' ? 'e2e' : `e2e-${kind}`;
const t0 = Date.now();
const stamp = () => `[${((Date.now() - t0) / 1000).toFixed(1)}s]`;

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (scripts/test.sh sets it)`);
  return v;
}

function loadTests(): { tests: E2ETest[]; loadFailures: number } {
  if (!/^[\w-]+$/.test(kind)) throw new Error(`PYROMETER_E2E_KIND "${kind}" is not a file-name suffix`);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith(`.${kind}.js`)).sort();
  const tests: E2ETest[] = [];
  let loadFailures = 0;
  for (const f of files) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(__dirname, f)) as { tests?: E2ETest[] };
      if (!Array.isArray(mod.tests)) throw new Error('exports no `tests` array');
      tests.push(...mod.tests);
    } catch (e) {
      loadFailures++;
      console.error(`  ✗ could not load ${f}: ${e instanceof Error ? e.stack : e}`);
    }
  }
  return { tests, loadFailures };
}

/** Runs one test: undefined when it passed, else why it failed (one line). */
async function runOne(browser: Browser, env: E2EEnv, test: E2ETest, index: number): Promise<string | undefined> {
  const pages: Workbench[] = [];
  const ctx: E2EContext = {
    env,
    log: (...args) => console.log(stamp(), '   ', ...args),
    openWorkbench: async () => {
      const wb = await Workbench.open(browser, env);
      pages.push(wb);
      return wb;
    },
  };
  const limit = test.timeoutMs ?? 180_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${limit / 1000}s`)), limit);
  });
  console.log(stamp(), `▶ ${test.name}`);
  try {
    await Promise.race([test.run(ctx), timedOut]);
    console.log(stamp(), `✓ ${test.name}`);
    return undefined;
  } catch (e) {
    console.error(stamp(), `✗ ${test.name}\n    ${e instanceof Error ? e.stack ?? e.message : e}`);
    for (const [i, wb] of pages.entries()) {
      const shot = await wb.screenshot(`${suite === 'e2e' ? '' : suite + '-'}failure-${index + 1}-${i + 1}-${test.name.slice(0, 60)}`).catch(() => undefined);
      if (shot) console.error(`    screenshot: ${path.relative(repoRoot, shot)}`);
      for (const err of wb.errors.slice(-10)) console.error(`    page ${err.slice(0, 300)}`);
    }
    return failureLine(test.name, e);
  } finally {
    if (timer) clearTimeout(timer);
    for (const wb of pages) await wb.close();
  }
}

async function main(): Promise<number> {
  const resultsFile = process.env.PYROMETER_E2E_RESULTS ?? path.join(repoRoot, 'test-results', `${suite}.json`);
  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  try {
    const env: E2EEnv = {
      baseUrl: required('PYROMETER_E2E_URL'),
      workspace: required('PYROMETER_E2E_WORKSPACE'),
      userDataDir: required('PYROMETER_E2E_USER_DATA'),
      screenshots: process.env.PYROMETER_E2E_SCREENSHOTS ?? path.join(repoRoot, 'test-results', 'screenshots'),
    };
    const { tests, loadFailures } = loadTests();
    failed += loadFailures;
    if (loadFailures > 0) failures.push(`${loadFailures} test file(s) could not be loaded`);
    const grep = process.env.PYROMETER_E2E_GREP;
    const selected = grep ? tests.filter((t) => t.name.includes(grep)) : tests;
    console.log(`${suite}: ${selected.length} test(s) against ${env.baseUrl}`);
    if (selected.length === 0) {
      console.error(`${suite}: no tests found (out/test/e2e/*.${kind}.js)`);
      failed++;
      failures.push('no tests found');
    }
    const browser = await launchChromium();
    try {
      for (const [i, test] of selected.entries()) {
        if (interruptedBy()) break;
        const failure = await runOne(browser, env, test, i);
        if (failure === undefined) passed++;
        else { failed++; failures.push(failure); }
      }
    } finally {
      await browser.close();
    }
  } catch (e) {
    console.error(`${suite} runner crashed:`, e instanceof Error ? e.stack : e);
    failed++;
    failures.push(failureLine('the e2e runner', e));
  }
  if (interruptedBy()) {
    console.error(`${suite}: interrupted by ${interruptedBy()}; no counts written`);
    return 1;
  }
  writeCounts(resultsFile, suite, { passed, failed, failures });
  console.log(`${suite}: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (e) => { console.error(e); process.exitCode = 1; },
);
