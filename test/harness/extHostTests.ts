// Runs the integration suite inside code-server's real (Node) extension host: loads the workbench with
// the URL payload extensionDevelopmentPath/extensionTestsPath (honoured by code-server 4.139.1 only when
// started with `--vscode-option enable-smoke-test-driver`) and waits until the workbench calls
// window.codeAutomationExit(code) when the test runner's run() settles. Extension-host console output
// reaches the page console and is printed here.
// usage: node out/test/harness/extHostTests.js BASE_URL EXT_DIR TESTS_JS WORKSPACE
//   PYROMETER_EXT_TESTS_TIMEOUT_MS (default 600000)  PYROMETER_RESULTS_DIR (page log under logs/)
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import type { ConsoleMessage } from 'playwright-core';
import { envMs, launchChromium } from './browser';

// Workbench chatter that is not the extension host's test output (it stays in the page log).
const NOISE = new RegExp([
  'Resolv(ing|ed) connection token', 'Creating a socket', 'Service Worker', 'reconnection-grace-time',
  'ChatSession', 'builtin extensions', 'AgentHost', 'AccountPolicyGate', 'authentication provider',
  'ENOTFOUND open-vsx', 'marketplace', 'gallery',
].join('|'), 'i');

async function main(): Promise<number> {
  const [base, extDir, testsPath, folder] = process.argv.slice(2);
  if (!base || !extDir || !testsPath || !folder) {
    console.error('usage: extHostTests.js BASE_URL EXT_DIR TESTS_JS WORKSPACE');
    return 2;
  }
  const timeoutMs = envMs('PYROMETER_EXT_TESTS_TIMEOUT_MS', 600_000);
  const authority = new URL(base).host; // code-server's remote authority is host:port
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', `vscode-remote://${authority}${path.resolve(extDir)}`],
    ['extensionTestsPath', `vscode-remote://${authority}${path.resolve(testsPath)}`],
  ]);
  const url = `${base}/?folder=${encodeURIComponent(path.resolve(folder))}&payload=${encodeURIComponent(payload)}`;

  const resultsDir = process.env.PYROMETER_RESULTS_DIR;
  let pageLog: fs.WriteStream | undefined;
  if (resultsDir) {
    fs.mkdirSync(path.join(resultsDir, 'logs'), { recursive: true });
    pageLog = fs.createWriteStream(path.join(resultsDir, 'logs', 'integration-page.log'));
  }

  const browser = await launchChromium();
  let timer: NodeJS.Timeout | undefined;
  try {
    const page = await browser.newPage();
    let exitCode: (code: unknown) => void = () => {};
    const exited = new Promise<unknown>((resolve) => { exitCode = resolve; });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => exitCode(code));

    // Extension-host lines arrive as ('%c INFO', 'color: …', fmt, ...args); keep their order.
    let chain = Promise.resolve();
    page.on('console', (m: ConsoleMessage) => {
      chain = chain.then(async () => {
        const args = await Promise.all(m.args().map((a) => a.jsonValue().catch(() => '?')));
        pageLog?.write(`[${m.type()}] ${util.format(...args)}\n`);
        if (typeof args[0] === 'string' && args[0].startsWith('%c')) {
          const text = util.format(...args.slice(2));
          if (!NOISE.test(text.split('\n')[0])) console.log(text);
        }
      });
    });
    page.on('pageerror', (e) => pageLog?.write(`[pageerror] ${e.message}\n`));

    console.log(`extension-host tests: ${testsPath} (timeout ${timeoutMs / 1000}s)`);
    await page.goto(url);
    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    const code = await Promise.race([exited, timedOut]);
    await chain;
    if (code === 'timeout') {
      console.error(`extension-host tests did not finish within ${timeoutMs / 1000}s`);
      return 1;
    }
    console.log('extension-host tests exit code:', code);
    return code === 0 ? 0 : 1;
  } finally {
    if (timer) clearTimeout(timer);
    await browser.close();
    pageLog?.end();
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (e) => { console.error(e); process.exitCode = 1; },
);
