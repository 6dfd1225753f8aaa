/**
 * The flame graph webview in Debian Chromium, without VS Code: the built dist/webview/flameGraph.js is served
 * from a fake origin under the same CSP as the panel, `acquireVsCodeApi` is a fake that records what the app
 * posts, and a fake host answers its requests with the real core (FlameGraphSource), as the language server will.
 *
 *   npm run build && npx tsc -p . && node out/test/webview/flameGraph.browser.js [RESULTS_DIR]
 *
 * Writes RESULTS_DIR/webview.json = {"suite":"webview","passed":N,"failed":N} (RESULTS_DIR defaults to
 * $PYROMETER_RESULTS_DIR or test-results) and screenshots to RESULTS_DIR/screenshots/webview-flameGraph-*.png.
 * PYROMETER_WEBVIEW_GREP runs only the tests whose name contains it.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FlameGraphSource, layoutFromPane, nodeAtFramePath } from '../../src/core/flameLayout';
import type { FlameGraphData, FlameLayout } from '../../src/core/flameLayout';
import type { Frame, FrameKind, Profile, StackSample } from '../../src/core/profileModel';
import type { FromFlameGraph, ToFlameGraph } from '../../src/protocol/flameGraphMessages';
import { nodeBox, scrollHeight } from '../../src/webview/flameGraph/flameGeometry';
import { seededRandom } from '../../bench/seededRandom';
import { runBrowserTests, runSuiteAsMain } from '../harness/browserSuite';
import { type AppPageOptions, serveAppPage } from './appPage';
import type { Theme } from './vscodeThemes';
import type { Counts } from '../harness/mochaCounts';
import { stackTableOf } from '../../src/core/stackTable';

const repoRoot = path.resolve(__dirname, '..', '..', '..'); // out/test/webview -> repo
const ORIGIN = 'http://flamegraph.test';
const XSS = '<img src=x onerror=alert(1)>';
const BANNER = 'Derived from cProfile caller edges — cProfile records no stacks; widths are apportioned, not sampled.';

// ---- profiles built by hand

const METADATA: Profile['metadata'] = {
  tool: 'py-spy', python: { version: '3.12.1', implementation: 'cpython', executable: '/usr/bin/python3' }, platform: 'linux', argv: ['app.py'],
  cwd: '/w', script: '/w/app.py', startedAt: '2025-01-01T00:00:00Z', wallSeconds: 1, cpuSeconds: 1, exitCode: 0, exception: null, threadsSeen: 2, capabilities: {},
};

const FRAMES: [string, string, number, FrameKind][] = [
  ['<module>', '/w/app.py', 1, 'python'],
  ['main', '/w/app.py', 10, 'python'],
  ['work', '/w/app.py', 20, 'python'],
  ['inc', '/w/app.py', 30, 'python'],
  ['parse', '/w/parse.py', 5, 'python'],
  ['len', '~', 0, 'builtin'],
  [XSS, '/w/evil.py', 3, 'python'],
  ['deflate', '/usr/lib/x86_64-linux-gnu/libz.so.1', 0, 'native'],
  ['worker', '/w/app.py', 40, 'python'],
];

function sampledProfile(): Profile {
  const frames: Frame[] = FRAMES.map(([name, file, line, kind]) => ({ name, file, line, kind }));
  const id = (name: string) => FRAMES.findIndex(f => f[0] === name);
  const stack = (names: string, weight: number, thread: number): StackSample => {
    const fs = names.split(';').map(id);
    return { frames: fs, lines: fs.map(f => FRAMES[f][2] + 2), weight, thread };
  };
  const stacks = [
    stack('<module>;main;work;inc', 40, 0),
    stack('<module>;main;work', 10, 0),
    stack('<module>;main;parse;len', 15, 0),
    stack(`<module>;main;${XSS}`, 10, 0),
    stack('<module>;main;work;deflate', 5, 0),
    stack('worker;work;inc', 20, 1),
  ];
  return {
    source: 'py-spy', metadata: METADATA, frames, functions: [], totalSeconds: 1,
    stacks: { unit: 'samples', stacks: stackTableOf(stacks), threads: [{ id: '0x7f01', name: 'MainThread' }, { id: '0x7f02', name: 'worker-1' }], totalWeight: 100, rateHz: 100 },
  };
}

function cprofileProfile(): Profile {
  const frames: Frame[] = [
    { name: '<module>', file: '/w/calls.py', line: 1, kind: 'python' },
    { name: 'main', file: '/w/calls.py', line: 14, kind: 'python' },
    { name: 'work', file: '/w/calls.py', line: 7, kind: 'python' },
    { name: 'inc', file: '/w/calls.py', line: 3, kind: 'python' },
    { name: "<built-in method builtins.len>", file: '~', line: 0, kind: 'builtin' },
  ];
  const edge = (callerIndex: number, cumulativeSeconds: number) => ({ callerIndex, totalCalls: 1, primitiveCalls: 1, selfSeconds: cumulativeSeconds, cumulativeSeconds });
  return {
    source: 'cProfile', metadata: { ...METADATA, tool: 'cProfile' }, frames, totalSeconds: 1,
    functions: [
      { frameIndex: 0, totalCalls: 1, primitiveCalls: 1, selfSeconds: 0.05, cumulativeSeconds: 1.0, callers: [] },
      { frameIndex: 1, totalCalls: 1, primitiveCalls: 1, selfSeconds: 0.05, cumulativeSeconds: 0.95, callers: [edge(0, 0.95)] },
      { frameIndex: 2, totalCalls: 3, primitiveCalls: 3, selfSeconds: 0.3, cumulativeSeconds: 0.9, callers: [edge(1, 0.9)] },
      { frameIndex: 3, totalCalls: 3000, primitiveCalls: 3000, selfSeconds: 0.6, cumulativeSeconds: 0.6, callers: [edge(2, 0.6)] },
      { frameIndex: 4, totalCalls: 3, primitiveCalls: 3, selfSeconds: 0.0001, cumulativeSeconds: 0.0001, callers: [edge(1, 0.0001)] },
    ],
  };
}

/** `stackCount` random stacks sharing prefixes, about 4.5 tree nodes per stack (seeded: the same graph every run). */
export function syntheticSampledProfile(stackCount: number, seed = 1234): Profile {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const frameCount = 5000;
  const kinds: FrameKind[] = ['python', 'python', 'python', 'native', 'builtin'];
  const frames: Frame[] = Array.from({ length: frameCount }, (_, i) => ({
    name: `pkg.module_${i % 97}.function_${i}`, file: `/src/pkg/module_${i % 97}.py`, line: 1 + (i % 700), kind: kinds[i % kinds.length],
  }));
  const stacks: StackSample[] = [];
  for (let i = 0; i < stackCount; i++) {
    const base = stacks.length > 0 ? stacks[Math.min(stacks.length - 1, Math.floor(stacks.length * (1 - random() ** 3)))].frames : [];
    const frs = base.slice(0, Math.max(1, pick(base.length + 1)));
    for (let k = 1 + pick(8); k > 0; k--) frs.push(pick(frameCount));
    if (frs.length > 60) frs.length = 60;
    stacks.push({ frames: frs, lines: frs.map(() => 0), weight: 1 + pick(50), thread: 0 });
  }
  return {
    source: 'py-spy', metadata: METADATA, frames, functions: [], totalSeconds: 0,
    stacks: { unit: 'samples', stacks: stackTableOf(stacks), threads: [{ id: '1', name: 'MainThread' }], totalWeight: stacks.reduce((a, s) => a + s.weight, 0) },
  };
}

// ---- the page



declare global {
  interface Window {
    __posted: FromFlameGraph[];
    __drawn: string[];
    __pyrometerHost?: (message: FromFlameGraph) => Promise<void>;
  }
}

/** One app page with a fake host that answers from the real core. */
export class FlameGraphPage {
  readonly posted: FromFlameGraph[] = [];
  readonly sent: ToFlameGraph[] = [];
  readonly errors: string[] = [];
  readonly dialogs: string[] = [];
  private pending: Promise<unknown>[] = [];
  private source: FlameGraphSource | null;

  private constructor(readonly context: BrowserContext, readonly page: Page, profile: Profile | null) {
    this.source = profile ? new FlameGraphSource(profile, `${path.basename(profile.metadata.script)} · ${profile.source}`) : null;
  }

  static async open(browser: Browser, profile: Profile | null, options: { theme?: Theme; width?: number; height?: number; autoAnswer?: boolean; fetched?: AppPageOptions['fetched'] } = {}): Promise<FlameGraphPage> {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1100, height: options.height ?? 560 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const app = new FlameGraphPage(context, page, profile);
    const theme = options.theme ?? 'dark';
    await serveAppPage(page, { origin: ORIGIN, app: 'flameGraph', theme, body: '<div id="app"></div>', fetched: options.fetched }, app);
    await page.exposeFunction('__pyrometerHost', (message: FromFlameGraph) => {
      app.posted.push(message);
      if (options.autoAnswer !== false) {
        const answer = app.answer(message);
        app.pending.push(answer);
        return answer;
      }
      return undefined;
    });
    await page.addInitScript(() => {
      window.__posted = [];
      window.__drawn = [];
      const fillText = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (this: CanvasRenderingContext2D, ...args: Parameters<typeof fillText>) {
        if (window.__drawn.length < 50_000) window.__drawn.push(String(args[0]));
        return fillText.apply(this, args);
      };
      let state: unknown;
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
        postMessage: (m: FromFlameGraph) => { window.__posted.push(m); void window.__pyrometerHost?.(m); },
        getState: () => state,
        setState: (s: unknown) => { state = s; },
      });
    });
    await page.goto(`${ORIGIN}/`);
    return app;
  }

  /** What the language server would answer. */
  private async answer(message: FromFlameGraph): Promise<void> {
    if (message.type !== 'ready' && message.type !== 'request') return;
    if (!this.source) return this.send({ type: 'empty', message: 'No profile yet.' });
    return this.send({ type: 'data', data: this.source.data(message.type === 'request' ? message.request : {}) });
  }

  async send(message: ToFlameGraph): Promise<void> {
    this.sent.push(message);
    await this.page.evaluate(m => { window.dispatchEvent(new MessageEvent('message', { data: m })); }, message);
  }

  /** Waits until every request the page made has been answered and handled. */
  async settled(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const waiting = this.pending;
      this.pending = [];
      await Promise.all(waiting);
      await this.page.evaluate(() => new Promise(r => requestAnimationFrame(() => r(null))));
      if (this.pending.length === 0) return;
    }
  }

  get data(): FlameGraphData {
    const last = [...this.sent].reverse().find(m => m.type === 'data');
    if (!last || last.type !== 'data') throw new Error('no data sent yet');
    return last.data;
  }

  layout(pane = 0): FlameLayout {
    return layoutFromPane(this.data.panes[pane]);
  }

  /** The node reached by frame names from a root, in the data last sent. */
  node(names: string[], pane = 0): number {
    const ids = names.map(n => this.data.frames.findIndex(f => f.name === n));
    const node = nodeAtFramePath(this.layout(pane), ids);
    if (node < 0) throw new Error(`no node ${names.join(' → ')}`);
    return node;
  }

  /** Page coordinates of the middle of a node's box, as the app draws it. */
  async point(node: number, options: { pane?: number; zoom?: number; orientation?: 'flame' | 'icicle'; dx?: number } = {}): Promise<{ x: number; y: number }> {
    const pane = options.pane ?? 0;
    const layout = this.layout(pane);
    const view = await this.page.evaluate(i => {
      const canvas = document.querySelectorAll<HTMLCanvasElement>('.pane-canvas')[i];
      const r = canvas.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height, scrollTop: canvas.parentElement!.scrollTop };
    }, pane);
    const box = nodeBox(layout, node, options.zoom ?? -1, view.width, scrollHeight(layout.maxDepth, view.height), view.scrollTop, options.orientation ?? 'icicle');
    return { x: view.left + box.x + Math.min(box.width / 2, options.dx ?? box.width / 2), y: view.top + box.y + box.height / 2 };
  }

  async click(node: number, options: Parameters<FlameGraphPage['point']>[1] = {}): Promise<void> {
    const p = await this.point(node, options);
    await this.page.mouse.click(p.x, p.y);
  }

  text(selector: string): Promise<string> {
    return this.page.$eval(selector, e => e.textContent ?? '');
  }

  drawn(): Promise<string[]> {
    return this.page.evaluate(() => window.__drawn.slice());
  }

  async screenshot(name: string, resultsDir: string): Promise<string> {
    const dir = path.join(resultsDir, 'screenshots');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `webview-flameGraph-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

// ---- the tests

interface TestContext { readonly browser: Browser; readonly resultsDir: string; readonly log: (...args: unknown[]) => void }
interface BrowserTest { readonly name: string; run(ctx: TestContext, open: (profile: Profile | null, options?: Parameters<typeof FlameGraphPage.open>[2]) => Promise<FlameGraphPage>): Promise<void> }

export const tests: BrowserTest[] = [
  {
    name: 'fetches a graph sent as a file, shows the latest answer when an earlier fetch ends after it, and says why a fetch failed',
    async run(ctx, open) {
      const source = new FlameGraphSource(sampledProfile(), 'app.py · py-spy');
      const app = await open(null, {
        autoAnswer: false,
        fetched: {
          '/graph-1.json': { body: JSON.stringify(source.data({})), delayMs: 800 },
          '/graph-2.json': { body: JSON.stringify(source.data({ view: 'inverted' })) },
          '/graph-3.json': { body: '', status: 404 },
        },
      });
      const status = () => app.text('.status');
      await app.send({ type: 'dataUrl', url: `${ORIGIN}/graph-1.json` });
      await app.send({ type: 'dataUrl', url: `${ORIGIN}/graph-2.json` });
      await app.page.waitForFunction(() => /samples/.test(document.querySelector('.status')?.textContent ?? ''));
      await new Promise(resolve => setTimeout(resolve, 1200)); // the first fetch has ended by now
      assert.match(await status(), /100 samples, 1\.00 s, inverted, all threads/);
      assert.ok((await app.drawn()).includes('inc'));
      assert.deepStrictEqual(app.errors, []);
      await app.send({ type: 'dataUrl', url: `${ORIGIN}/graph-3.json` });
      await app.page.waitForFunction(() => /Could not show/.test(document.querySelector('.status')?.textContent ?? ''));
      assert.match(await status(), /^Could not show the flame graph: its data could not be read \(HTTP 404 for http:\/\/flamegraph\.test\/graph-3\.json\)/);
      assert.ok((await app.drawn()).includes('inc'), 'what was shown stays');
    },
  },
  {
    name: 'asks for data when ready and draws the frames as text on the canvas',
    async run(ctx, open) {
      const app = await open(sampledProfile());
      await app.settled();
      assert.deepStrictEqual(app.posted[0], { type: 'ready' });
      const drawn = await app.drawn();
      for (const name of ['<module>', 'main', 'work', 'inc', 'parse']) assert.ok(drawn.includes(name), `${name} drawn (${drawn.slice(0, 20).join(', ')})`);
      assert.match(await app.text('.status'), /100 samples, 1\.00 s, top-down, all threads/);
      assert.strictEqual(await app.text('.breadcrumbs'), 'All');
      await app.screenshot('top-down-dark', ctx.resultsDir);
      assert.deepStrictEqual(app.errors, []);
    },
  },
  {
    name: "the language server's graph as JSON text (dataJson) is drawn like the same graph as data",
    async run(ctx, open) {
      const profile = sampledProfile();
      const app = await open(profile, { autoAnswer: false });
      await app.page.waitForFunction(() => window.__posted.length > 0);
      const data = new FlameGraphSource(profile).data({ view: 'inverted' });
      await app.send({ type: 'dataJson', utf8: new TextEncoder().encode(JSON.stringify(data)) });
      await app.page.waitForFunction(() => /samples/.test(document.querySelector('.status')?.textContent ?? ''));
      const drawn = await app.drawn();
      for (const name of ['<module>', 'main', 'work', 'inc', 'parse']) assert.ok(drawn.includes(name), `${name} drawn (${drawn.slice(0, 20).join(', ')})`);
      // the request inside the text is the one the toolbar shows
      assert.match(await app.text('.status'), /100 samples, 1\.00 s, inverted, all threads/);
      assert.deepStrictEqual(app.errors, []);
    },
  },
  {
    name: 'search highlights matches and counts each sample once: "work" is 75% of total',
    async run(ctx, open) {
      const app = await open(sampledProfile());
      await app.settled();
      await app.page.fill('input.search', 'work');
      await app.page.waitForFunction(() => /matched/.test(document.querySelector('.match-count')?.textContent ?? ''));
      // work holds 40 + 10 + 5 (under main) and 20 (thread worker-1): 75 of 100 samples.
      assert.strictEqual(await app.text('.match-count'), '75.0% of total matched');
      await app.screenshot('search-work', ctx.resultsDir);
      await app.page.fill('input.search', 'o'); // matches <module>, work, worker: everything, counted once
      await app.page.waitForFunction(() => document.querySelector('.match-count')?.textContent === '100% of total matched');
      await app.page.fill('input.search', 'zzz');
      await app.page.waitForFunction(() => document.querySelector('.match-count')?.textContent === 'no match');
      // Enter in the search box selects the first match.
      await app.page.fill('input.search', 'inc');
      await app.page.press('input.search', 'Enter');
      // The first match in drawing order is inc under <module>;main;work (40 samples), the heaviest branch.
      assert.match(await app.text('.status'), /^inc — app\.py:30 — Total: 40 samples, 0\.40 s \(40\.0%\)/);
      await app.page.press('input.search', 'Enter');
      assert.match(await app.text('.status'), /^inc — app\.py:30 — Total: 20 samples, 0\.20 s \(20\.0%\)/);
    },
  },
  {
    name: 'clicking a frame zooms into it and the breadcrumbs zoom back out',
    async run(ctx, open) {
      const app = await open(sampledProfile());
      await app.settled();
      const work = app.node(['<module>', 'main', 'work']);
      await app.click(work);
      assert.strictEqual(await app.text('.breadcrumbs'), 'All›<module>›main›work');
      assert.strictEqual(await app.text('.crumb[aria-current]'), 'work');
      // Zoomed: inc (40 of work's 55) now spans 40/55 of the width.
      const inc = app.node(['<module>', 'main', 'work', 'inc']);
      const p = await app.point(inc, { zoom: work });
      const left = await app.point(inc, { zoom: work, dx: 0 });
      const width = await app.page.$eval('.pane-canvas', c => c.getBoundingClientRect().width);
      assert.ok(Math.abs((p.x - left.x) * 2 - (width * 40) / 55) < 1, 'inc spans 40/55 of the width after zooming');
      await app.page.mouse.move(p.x, p.y);
      await app.page.waitForSelector('.tooltip:not([hidden])');
      const tip = await app.text('.tooltip');
      assert.ok(tip.includes('inc') && tip.includes('app.py:30') && tip.includes('Total: 40 samples, 0.40 s (40.0%)'), tip);
      await app.screenshot('zoomed-work', ctx.resultsDir);
      await app.page.click('.crumb:has-text("main")');
      assert.strictEqual(await app.text('.crumb[aria-current]'), 'main');
      await app.page.click('.crumb:has-text("All")');
      assert.strictEqual(await app.text('.breadcrumbs'), 'All');
    },
  },
  {
    name: 'double-click on a frame posts openSource with its file and line',
    async run(ctx, open) {
      const app = await open(sampledProfile());
      await app.settled();
      const parse = app.node(['<module>', 'main', 'parse']);
      const p = await app.point(parse);
      await app.page.mouse.dblclick(p.x, p.y);
      await app.page.waitForFunction(() => window.__posted.some(m => m.type === 'openSource'));
      assert.deepStrictEqual(app.posted.filter(m => m.type === 'openSource'), [{ type: 'openSource', file: '/w/parse.py', line: 5 }]);
      // A builtin has no source: nothing is posted, the status says why.
      const len = app.node(['<module>', 'main', 'parse', 'len']);
      const q = await app.point(len, { zoom: parse });
      await app.page.mouse.dblclick(q.x, q.y);
      assert.match(await app.text('.status'), /len: no source to open \(builtin\)/);
      assert.strictEqual(app.posted.filter(m => m.type === 'openSource').length, 1);
    },
  },
  {
    name: 'a frame named <img src=x onerror=alert(1)> is drawn as text and injects no element',
    async run(ctx, open) {
      const app = await open(sampledProfile());
      await app.settled();
      const evil = app.node(['<module>', 'main', XSS]);
      const drawn = await app.drawn();
      assert.ok(drawn.some(t => t.startsWith('<img src=x')), `drawn labels: ${drawn.join(' | ')}`);
      const p = await app.point(evil);
      await app.page.mouse.move(p.x, p.y);
      await app.page.waitForSelector('.tooltip:not([hidden])');
      assert.strictEqual(await app.text('.tooltip-name'), XSS);
      await app.page.mouse.click(p.x, p.y);
      assert.strictEqual(await app.text('.crumb[aria-current]'), XSS);
      await app.page.fill('input.search', '<img');
      await app.page.waitForFunction(() => /matched/.test(document.querySelector('.match-count')?.textContent ?? ''));
      await app.page.waitForTimeout(300);
      assert.strictEqual(await app.page.locator('img').count(), 0, 'no <img> element');
      assert.deepStrictEqual(app.dialogs, [], 'no alert');
      const elements = await app.page.evaluate(() => [...document.body.querySelectorAll('*')].map(e => e.tagName.toLowerCase()));
      assert.ok(elements.every(t => ['div', 'section', 'canvas', 'button', 'span', 'nav', 'label', 'select', 'option', 'input', 'script'].includes(t)), elements.join(','));
      await app.screenshot('hostile-name', ctx.resultsDir);
    },
  },
  {
    name: 'cProfile data carries the banner and shows seconds',
    async run(ctx, open) {
      const app = await open(cprofileProfile());
      await app.settled();
      assert.strictEqual(await app.text('.banner'), BANNER);
      assert.strictEqual(await app.page.isVisible('.banner'), true);
      assert.strictEqual(await app.page.isVisible('label.merge'), false, 'no merge by line without lines');
      const inc = app.node(['<module>', 'main', 'work', 'inc']);
      const p = await app.point(inc);
      await app.page.mouse.move(p.x, p.y);
      await app.page.waitForSelector('.tooltip:not([hidden])');
      assert.match(await app.text('.tooltip'), /Total: 0\.600 s \(60\.0%\)/);
      await app.screenshot('cprofile', ctx.resultsDir);
    },
  },
  {
    name: 'inverted view, time order and flame orientation round-trip or redraw',
    async run(ctx, open) {
      const app = await open(sampledProfile());
      await app.settled();
      await app.page.click('button.segment[data-value="inverted"]');
      await app.settled();
      assert.deepStrictEqual(app.posted.at(-1), { type: 'request', request: { view: 'inverted', order: 'leftHeavy', thread: -1, mergeByLine: false, sandwichFrame: -1, frameFilter: 'all' } });
      assert.strictEqual(await app.page.getAttribute('button.segment[data-value="inverted"]', 'aria-pressed'), 'true');
      // The heaviest root of the inverted graph is inc (60 samples of self time), first from the left.
      const layout = app.layout();
      assert.strictEqual(app.data.frames[layout.frame[0]].name, 'inc');
      const p = await app.point(0);
      await app.page.mouse.move(p.x, p.y);
      await app.page.waitForSelector('.tooltip:not([hidden])');
      assert.strictEqual(await app.text('.tooltip-name'), 'inc');
      assert.match(await app.text('.tooltip'), /Self time: 60 samples, 0\.60 s \(60\.0%\)/);
      await app.page.fill('input.search', 'work');
      await app.page.waitForFunction(() => document.querySelector('.match-count')?.textContent === '75.0% of total matched');
      await app.page.fill('input.search', '');
      await app.screenshot('inverted', ctx.resultsDir);

      await app.page.click('button.segment[data-value="timeOrder"]');
      await app.settled();
      assert.strictEqual(app.data.request.order, 'timeOrder');
      await app.page.click('button.segment[data-value="topDown"]');
      await app.settled();
      await app.page.click('button.segment[data-value="flame"]');
      assert.strictEqual(await app.page.getAttribute('button.segment[data-value="flame"]', 'aria-pressed'), 'true');
      const work = app.node(['<module>', 'main', 'work']);
      const q = await app.point(work, { orientation: 'flame' });
      await app.page.mouse.move(q.x, q.y);
      await app.page.waitForSelector('.tooltip:not([hidden])');
      assert.strictEqual(await app.text('.tooltip-name'), 'work');
      await app.page.mouse.move(2, 2);
      await app.screenshot('flame-time-order', ctx.resultsDir);
    },
  },
  {
    name: 'sandwich view of the selected function: callers above, callees below',
    async run(ctx, open) {
      const app = await open(sampledProfile());
      await app.settled();
      assert.strictEqual(await app.page.isDisabled('button.segment[data-value="sandwich"]'), true, 'needs a selection');
      await app.click(app.node(['<module>', 'main', 'work']));
      await app.page.click('button.segment[data-value="sandwich"]');
      await app.settled();
      const workIndex = FRAMES.findIndex(f => f[0] === 'work');
      assert.deepStrictEqual(app.data.request, { view: 'sandwich', order: 'leftHeavy', thread: -1, mergeByLine: false, sandwichFrame: workIndex, frameFilter: 'all' });
      assert.deepStrictEqual(await app.page.$$eval('.pane .breadcrumbs', els => els.map(e => e.textContent)), ['Callers of work', 'Callees of work']);
      // Both halves weigh the 75 samples holding work.
      const callees = app.layout(1);
      assert.strictEqual(callees.totalWeight, 75);
      const p = await app.point(0, { pane: 1 });
      await app.page.mouse.move(p.x, p.y);
      await app.page.waitForSelector('.tooltip:not([hidden])');
      assert.match(await app.text('.tooltip'), /Total: 75 samples, 0\.75 s \(75\.0%\)/);
      const caller = app.node(['work', 'main'], 0);
      const q = await app.point(caller, { pane: 0, orientation: 'flame' });
      await app.page.mouse.move(q.x, q.y);
      await app.page.waitForFunction(() => document.querySelector('.tooltip-name')?.textContent === 'main');
      await app.page.mouse.move(2, 2);
      await app.screenshot('sandwich', ctx.resultsDir);
    },
  },
  {
    name: 'the thread selector asks for one thread\'s stacks',
    async run(ctx, open) {
      const app = await open(sampledProfile());
      await app.settled();
      assert.deepStrictEqual(await app.page.$$eval('label.thread option', os => os.map(o => o.textContent)), ['All threads', 'MainThread (0x7f01)', 'worker-1 (0x7f02)']);
      await app.page.selectOption('label.thread select', '1');
      await app.settled();
      assert.strictEqual(app.data.request.thread, 1);
      assert.strictEqual(app.data.totalWeight, 20);
      assert.match(await app.text('.status'), /20 samples, 0\.20 s, top-down, worker-1/);
      const drawn = await app.drawn();
      assert.ok(drawn.includes('worker'));
    },
  },
  {
    name: 'keyboard: arrows move the selection, Enter zooms then opens, Escape zooms out, / focuses search',
    async run(ctx, open) {
      const app = await open(sampledProfile());
      await app.settled();
      await app.page.focus('.pane-canvas');
      await app.page.keyboard.press('Home');
      assert.match(await app.text('.status'), /^<module> — app\.py:1/);
      await app.page.keyboard.press('ArrowDown'); // icicle: down is the first child
      assert.match(await app.text('.status'), /^main — /);
      await app.page.keyboard.press('ArrowDown');
      assert.match(await app.text('.status'), /^work — /);
      await app.page.keyboard.press('ArrowRight');
      assert.match(await app.text('.status'), /^parse — /);
      await app.page.keyboard.press('ArrowLeft');
      await app.page.keyboard.press('ArrowUp');
      assert.match(await app.text('.status'), /^main — /);
      await app.page.keyboard.press('ArrowDown');
      await app.page.keyboard.press('Enter');
      assert.strictEqual(await app.text('.crumb[aria-current]'), 'work');
      await app.page.keyboard.press('Enter');
      await app.page.waitForFunction(() => window.__posted.some(m => m.type === 'openSource'));
      assert.deepStrictEqual(app.posted.find(m => m.type === 'openSource'), { type: 'openSource', file: '/w/app.py', line: 20 });
      await app.page.keyboard.press('Escape');
      assert.strictEqual(await app.text('.crumb[aria-current]'), 'main');
      await app.screenshot('keyboard', ctx.resultsDir);
      await app.page.keyboard.press('/');
      assert.strictEqual(await app.page.evaluate(() => document.activeElement?.classList.contains('search')), true);
    },
  },
  {
    name: 'merging by line splits a function by the line it was executing',
    async run(ctx, open) {
      const app = await open(sampledProfile());
      await app.settled();
      await app.page.check('label.merge input');
      await app.settled();
      assert.strictEqual(app.data.request.mergeByLine, true);
      const drawn = await app.drawn();
      assert.ok(drawn.includes('main:12'), drawn.slice(-30).join(' | '));
      const inc = app.node(['<module>', 'main', 'work', 'inc']);
      const p = await app.point(inc);
      await app.page.mouse.dblclick(p.x, p.y);
      await app.page.waitForFunction(() => window.__posted.some(m => m.type === 'openSource'));
      assert.deepStrictEqual(app.posted.find(m => m.type === 'openSource'), { type: 'openSource', file: '/w/app.py', line: 32 });
    },
  },
  {
    name: 'light theme: boxes and text stay readable',
    async run(ctx, open) {
      const app = await open(sampledProfile(), { theme: 'light' });
      await app.settled();
      await app.page.fill('input.search', 'inc');
      await app.page.waitForFunction(() => /matched/.test(document.querySelector('.match-count')?.textContent ?? ''));
      await app.screenshot('light-search-inc', ctx.resultsDir);
      assert.strictEqual(await app.text('.match-count'), '60.0% of total matched');
    },
  },
  {
    name: 'an empty message replaces the graph with its text',
    async run(ctx, open) {
      const app = await open(null);
      await app.settled();
      assert.strictEqual(await app.text('.placeholder'), 'No profile yet.');
      assert.strictEqual(await app.page.locator('canvas').count(), 0);
    },
  },
  {
    name: 'draws 100,000 nodes and zooms in under a second each',
    async run(ctx, open) {
      const profile = syntheticSampledProfile(24_000);
      const app = await open(profile, { autoAnswer: false });
      const data = new FlameGraphSource(profile).data({});
      const nodes = data.panes[0].depth.length;
      ctx.log(`synthetic graph: ${nodes} nodes`);
      assert.ok(nodes >= 90_000, `${nodes} nodes`);
      await app.page.waitForFunction(() => window.__posted.length > 0);
      await app.send({ type: 'data', data });
      const firstPaintMs = await app.page.evaluate(() => performance.getEntriesByName('flameGraph:firstPaint').at(-1)?.duration ?? -1);
      ctx.log(`first paint ${firstPaintMs.toFixed(0)} ms`);
      assert.ok(firstPaintMs > 0 && firstPaintMs < 3000, `first paint ${firstPaintMs} ms`);
      await app.click(1);
      assert.notStrictEqual(await app.text('.breadcrumbs'), 'All');
      const drawMs = await app.page.evaluate(() => performance.getEntriesByName('flameGraph:draw').at(-1)?.duration ?? -1);
      ctx.log(`zoomed draw ${drawMs.toFixed(1)} ms`);
      assert.ok(drawMs >= 0 && drawMs < 1000, `zoom draw ${drawMs} ms`);
      await app.page.click('.crumb:has-text("All")');
      await app.screenshot('100k-nodes', ctx.resultsDir);
      assert.deepStrictEqual(app.errors, []);
    },
  },
];

/** Runs the tests (all, or those whose name contains `grep`), a fresh page each. */
export function runFlameGraphBrowserTests(options: { resultsDir: string; grep?: string }): Promise<Counts> {
  return runBrowserTests(tests, {
    ...options,
    bundle: path.join(repoRoot, 'dist', 'webview', 'flameGraph.js'),
    run: (test, browser, track, log) => test.run({ browser, resultsDir: options.resultsDir, log },
      async (profile, o) => track(await FlameGraphPage.open(browser, profile, o))),
  });
}

if (require.main === module) {
  runSuiteAsMain('webview', 'flame graph in Chromium', resultsDir => runFlameGraphBrowserTests({ resultsDir, grep: process.env.PYROMETER_WEBVIEW_GREP }));
}
