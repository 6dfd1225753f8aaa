/**
 * The function table webview in Debian Chromium, without VS Code: the built dist/webview/functionTable.js under the
 * view's markup and CSP, `acquireVsCodeApi` a fake that records what the table posts, and pages made by the real
 * core (FunctionTable, as the language server makes them) sent when each test says, so the order in which answers
 * and keystrokes arrive is the test's to choose.
 *
 *   npm run build && npx tsc -p . && node out/test/webview/functionTable.browser.js [RESULTS_DIR]
 *
 * Writes RESULTS_DIR/webview-function-table.json = {"suite":"webview-function-table","passed":N,"failed":N}.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FunctionTable, FunctionTableQuery } from '../../src/core/functionTablePage';
import type { Frame, FunctionStats, Profile } from '../../src/core/profileModel';
import { FUNCTION_TABLE_BODY } from '../../src/extension/functionTableMarkup';
import type { FromFunctionTable, ToFunctionTable } from '../../src/protocol/functionTableMessages';
import { runBrowserTests, runSuiteAsMain } from '../harness/browserSuite';
import type { Counts } from '../harness/mochaCounts';
import { serveAppPage } from './appPage';

const repoRoot = path.resolve(__dirname, '..', '..', '..'); // out/test/webview -> repo
const ORIGIN = 'http://functiontable.test';
const XSS = '<img src=x onerror=alert(1)>';

/** 1,200 functions f_0000 … f_1199 in /w/app.py (def on line 2n + 1), and one whose name is markup. */
function programProfile(): Profile {
  const frames: Frame[] = [];
  const functions: FunctionStats[] = [];
  for (let n = 0; n < 1200; n++) {
    frames.push({ name: `f_${String(n).padStart(4, '0')}`, file: '/w/app.py', line: 2 * n + 1, kind: 'python' });
    functions.push({ frameIndex: n, totalCalls: n % 7 + 1, primitiveCalls: n % 7 + 1, selfSeconds: n / 1e4, cumulativeSeconds: n / 1e4, callers: [] });
  }
  frames.push({ name: XSS, file: '/w/evil.py', line: 3, kind: 'python' });
  functions.push({ frameIndex: 1200, totalCalls: 1, primitiveCalls: 1, selfSeconds: 0, cumulativeSeconds: 0, callers: [] });
  return {
    source: 'cProfile', frames, functions, totalSeconds: 1,
    metadata: {
      tool: 'cProfile', python: { version: '3.12.1', implementation: 'cpython', executable: '' }, platform: 'linux', argv: ['app.py'],
      cwd: '/w', script: '/w/app.py', startedAt: '', wallSeconds: 1, cpuSeconds: 1, exitCode: 0, exception: null, threadsSeen: 1, capabilities: {},
    },
  };
}


declare global {
  interface Window { __tableHost?: (message: FromFunctionTable) => void }
}

type QueryMessage = Extract<FromFunctionTable, { type: 'query' }>;

/** One table page; the test plays the extension: it answers queries, or sends pages, when it chooses. */
class TablePage {
  readonly posted: FromFunctionTable[] = [];
  readonly errors: string[] = [];
  readonly dialogs: string[] = [];
  private readonly table = new FunctionTable(programProfile());

  private constructor(readonly context: BrowserContext, readonly page: Page) {}

  static async open(browser: Browser): Promise<TablePage> {
    const context = await browser.newContext({ viewport: { width: 900, height: 600 } });
    const page = await context.newPage();
    const app = new TablePage(context, page);
    await serveAppPage(page, { origin: ORIGIN, app: 'functionTable', theme: 'dark', body: FUNCTION_TABLE_BODY }, app);
    await page.exposeFunction('__tableHost', (message: FromFunctionTable) => { app.posted.push(message); });
    await page.addInitScript(() => {
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
        postMessage: (m: FromFunctionTable) => { void window.__tableHost?.(m); },
      });
    });
    await page.goto(`${ORIGIN}/`);
    await app.waitFor('the table saying ready', () => app.posted.some(m => m.type === 'ready'));
    return app;
  }

  /** Sends the page the server would make for `query`, as the answer to query number `answers`. */
  async answer(query: Partial<FunctionTableQuery>, answers: number): Promise<void> {
    await this.send({ type: 'rows', label: 'app.py · cProfile', source: 'cProfile', page: this.table.page(query), answers });
  }

  async send(message: ToFunctionTable): Promise<void> {
    await this.page.evaluate(m => { window.dispatchEvent(new MessageEvent('message', { data: m })); }, message);
  }

  get queries(): QueryMessage[] {
    return this.posted.filter((m): m is QueryMessage => m.type === 'query');
  }

  /** Waits for the table's query number `seq` (the filter box sends one per pause in typing). */
  async query(seq: number): Promise<QueryMessage> {
    await this.waitFor(`query ${seq}`, () => this.queries.some(q => q.seq === seq));
    return this.queries.find(q => q.seq === seq)!;
  }

  async waitFor(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; posted: ${JSON.stringify(this.posted)}`);
      await new Promise(r => setTimeout(r, 20));
    }
  }

  filterValue(): Promise<string> {
    return this.page.locator('#filter').inputValue();
  }

  /** The function column of the rows shown. */
  names(): Promise<string[]> {
    return this.page.locator('#functions tbody tr td:first-child').allInnerTexts();
  }

  caption(): Promise<string> {
    return this.page.locator('#caption').innerText();
  }

  async screenshot(name: string, resultsDir: string): Promise<string> {
    const file = path.join(resultsDir, 'screenshots', `webview-functionTable-${name}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `f_${String(from + i).padStart(4, '0')}`);

interface Test {
  name: string;
  run(app: TablePage, ctx: { resultsDir: string; log: (...a: unknown[]) => void }): Promise<void>;
}

const tests: Test[] = [
  {
    name: 'keys typed while an earlier filter\'s page arrives stay in the box, and the next query carries them',
    async run(app, ctx) {
      await app.answer({}, 0);
      await app.page.locator('#filter').pressSequentially('f_01');
      const first = await app.query(1);
      assert.strictEqual(first.query.filter, 'f_01');
      // One more key, and before its pause is over the answer to "f_01" arrives (the server was quick, the user quicker).
      await app.page.locator('#filter').press('1');
      await app.answer(first.query, 1);
      assert.strictEqual(await app.filterValue(), 'f_011', 'the page for "f_01" overwrote the key typed after it');
      const second = await app.query(2);
      assert.strictEqual(second.query.filter, 'f_011');
      await app.answer(second.query, 2);
      assert.deepStrictEqual(await app.names(), range(110, 120).reverse());
      assert.strictEqual(await app.filterValue(), 'f_011');
      ctx.log(await app.caption());
      await app.screenshot('filtered', ctx.resultsDir);
    },
  },
  {
    name: 'a page answering an older query is not shown; the answer to the newest one is',
    async run(app) {
      await app.answer({}, 0);
      await app.page.locator('#filter').pressSequentially('f_00');
      const older = await app.query(1);
      await app.page.locator('#filter').pressSequentially('1');
      const newer = await app.query(2);
      assert.strictEqual(newer.query.filter, 'f_001');
      const before = await app.names();
      await app.answer(older.query, 1);
      assert.deepStrictEqual(await app.names(), before, 'the page for "f_00" replaced the table after "f_001" was asked');
      assert.strictEqual(await app.filterValue(), 'f_001');
      await app.answer(newer.query, 2);
      assert.deepStrictEqual(await app.names(), range(10, 20).reverse());
      assert.match(await app.caption(), /: 1,201 functions; 10 match "f_001"$/);
    },
  },
  {
    name: 'a filter the extension changes (a reveal clears one that hides its row) is shown in the box',
    async run(app) {
      await app.answer({}, 0);
      await app.page.locator('#filter').pressSequentially('f_011');
      const asked = await app.query(1);
      await app.answer(asked.query, 1);
      assert.strictEqual(await app.filterValue(), 'f_011');
      // Revealing f_0001 (a CodeLens click): the server clears the filter, the extension sends that page.
      await app.answer({ ...asked.query, reveal: 1 }, 1);
      await app.send({ type: 'highlight', frameIndex: 1 });
      assert.strictEqual(await app.filterValue(), '');
      assert.strictEqual(await app.page.locator('tr.highlighted td:first-child').innerText(), 'f_0001');
      assert.strictEqual((await app.names()).length, 1201, 'the page grew to the revealed row (500 at a time)');
    },
  },
  {
    name: 'in a narrow panel the caption and filter stay in view while the rows scroll both ways under the column titles',
    async run(app, ctx) {
      await app.answer({}, 0);
      for (const width of [900, 517, 333, 260, 199]) {
        await app.page.setViewportSize({ width, height: 400 });
        await app.page.locator('#rows').evaluate(el => el.scrollTo(el.scrollWidth, 3000));
        // Every pixel row from the top to the column titles' bottom, left to right, belongs to the caption, the
        // filter or the titles: a function row seen there would be scrolled rows showing through.
        const view = await app.page.evaluate(() => new Promise<{ seen: string[]; scrolled: number[]; captionLeft: number; filterRight: number }>(resolve =>
          requestAnimationFrame(() => requestAnimationFrame(() => {
            const rowsBox = document.getElementById('rows')!;
            const th = document.querySelector('th')!.getBoundingClientRect();
            const seen: string[] = [];
            for (let y = 0; y < th.bottom; y += 0.5) {
              for (let x = 1; x < window.innerWidth; x += 7) {
                const el = document.elementFromPoint(x, y);
                if (el?.closest('tbody')) seen.push(`(${x}, ${y}): ${el.textContent}`);
              }
            }
            resolve({
              seen: seen.slice(0, 5), scrolled: [rowsBox.scrollLeft, rowsBox.scrollTop],
              captionLeft: document.getElementById('caption')!.getBoundingClientRect().left,
              filterRight: document.getElementById('filter')!.getBoundingClientRect().right,
            });
          }))));
        ctx.log(`${width} px wide: rows scrolled to ${view.scrolled.join(', ')}; caption at x = ${view.captionLeft}, filter ends at ${view.filterRight.toFixed(0)}`);
        assert.ok(view.scrolled[1] > 1000, `the rows scrolled down: ${view.scrolled}`);
        if (width < 400) assert.ok(view.scrolled[0] > 0, `the table is wider than ${width} px and scrolled sideways`);
        assert.deepStrictEqual(view.seen, [], `${width} px wide`);
        assert.ok(view.captionLeft >= 0 && view.filterRight <= width, `the caption and filter stay within the ${width} px view`);
      }
      await app.screenshot('narrow-scrolled', ctx.resultsDir);
    },
  },
  {
    name: 'a name that is markup is shown as text, and the filter finds it',
    async run(app) {
      await app.answer({}, 0);
      await app.page.locator('#filter').pressSequentially('<img');
      const asked = await app.query(1);
      await app.answer(asked.query, 1);
      assert.deepStrictEqual(await app.names(), [XSS]);
      assert.strictEqual(await app.page.locator('#functions img').count(), 0);
      assert.deepStrictEqual(app.dialogs, []);
    },
  },
];

/** A fresh page for each test; no page error allowed. */
function runFunctionTableBrowserTests(options: { resultsDir: string; grep?: string }): Promise<Counts> {
  return runBrowserTests(tests, {
    ...options,
    bundle: path.join(repoRoot, 'dist', 'webview', 'functionTable.js'),
    run: async (test, browser, track, log) => {
      const app = track(await TablePage.open(browser));
      await test.run(app, { resultsDir: options.resultsDir, log });
      assert.deepStrictEqual(app.errors, []);
    },
  });
}

if (require.main === module) {
  runSuiteAsMain('webview-function-table', 'function table in Chromium',
    resultsDir => runFunctionTableBrowserTests({ resultsDir, grep: process.env.PYROMETER_WEBVIEW_GREP }));
}
