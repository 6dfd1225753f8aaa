/**
 * Flame graph speed in Debian Chromium, as ratios against an empty-canvas clear measured in the same page
 * (what any canvas view pays per frame). Seeded synthetic stacks of ~10^5 and ~10^6 tree nodes. Not a test:
 * nothing here asserts a time.
 *
 *   npm run build && npx tsc -p . && node out/bench/flameGraph.bench.js
 *
 * Columns:
 *  - build: language-server side, stacks → tree → layout → payload (FlameGraphSource.data), against one pass
 *    summing every frame of every stack;
 *  - first paint: in the page, from the data message to the end of the first draw (decoding the arrays,
 *    building the DOM, drawing), against the clear;
 *  - zoom: median draw time after clicking a frame (the redraw a zoom costs), against the clear.
 */
import * as os from 'os';
import type { Browser } from 'playwright-core';
import { FlameGraphSource, layoutFromPane } from '../src/core/flameLayout';
import { nodeBox, scrollHeight } from '../src/webview/flameGraph/flameGeometry';
import { launchChromium } from '../test/harness/browser';
import { FlameGraphPage, syntheticSampledProfile } from '../test/webview/flameGraph.browser';
import { seededRandom } from './seededRandom';
import { median, medianMs } from './timing';
import { stackSamplesOf } from '../src/core/stackTable';


interface Row { readonly nodes: number; readonly stacks: number; readonly floorBuildMs: number; readonly buildMs: number; readonly clearMs: number; readonly firstPaintMs: number; readonly zoomDrawMs: number; readonly payloadMB: number }

async function measure(browser: Browser, stackCount: number): Promise<Row> {
  const profile = syntheticSampledProfile(stackCount);
  const floorBuildMs = medianMs(3, () => {
    let sum = 0;
    for (const s of stackSamplesOf(profile.stacks!.stacks)) for (let i = 0; i < s.frames.length; i++) sum += s.frames[i] + s.weight;
    return sum;
  });
  let data = new FlameGraphSource(profile).data({});
  const buildMs = medianMs(3, () => (data = new FlameGraphSource(profile).data({})));
  const nodes = data.panes[0].depth.length;
  const payloadMB = JSON.stringify(data).length / 1e6;

  const app = await FlameGraphPage.open(browser, null, { autoAnswer: false, width: 1280, height: 720 });
  try {
    await app.page.waitForFunction(() => window.__posted.length > 0);
    await app.page.evaluate(d => { (window as unknown as { benchData: unknown }).benchData = d; }, data);

    // Floor: clearing a canvas of the same size and pixel ratio as the graph's.
    const clearMs = await app.page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 1264 * devicePixelRatio;
      c.height = 600 * devicePixelRatio;
      document.body.append(c);
      const ctx = c.getContext('2d')!;
      const times: number[] = [];
      for (let i = 0; i < 21; i++) {
        const t0 = performance.now();
        for (let k = 0; k < 200; k++) {
          ctx.setTransform(devicePixelRatio, 0, 0, devicePixelRatio, 0, 0);
          ctx.clearRect(0, 0, 1264, 600);
          ctx.getImageData(0, 0, 1, 1); // make the clear happen now
        }
        times.push((performance.now() - t0) / 200);
      }
      c.remove();
      return times.sort((a, b) => a - b)[10];
    });

    const paints: number[] = [];
    for (let i = 0; i < 3; i++) {
      paints.push(await app.page.evaluate(() => {
        window.dispatchEvent(new MessageEvent('message', { data: { type: 'data', data: (window as unknown as { benchData: unknown }).benchData } }));
        return performance.getEntriesByName('flameGraph:firstPaint').at(-1)?.duration ?? NaN;
      }));
    }

    // Zoom: click wide frames at depths 1-6 (seeded), each from the whole graph, and read that draw's time.
    const layout = layoutFromPane(data.panes[0]);
    const random = seededRandom(99);
    const candidates: number[] = [];
    for (let i = 0; i < layout.count; i++) if (layout.depth[i] >= 1 && layout.depth[i] <= 6 && layout.width[i] > layout.totalWeight * 0.004) candidates.push(i);
    const draws: number[] = [];
    for (let k = 0; k < 15 && candidates.length > 0; k++) {
      const node = candidates[Math.floor(random() * candidates.length)];
      const view = await app.page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('.pane-canvas')!;
        const r = canvas.getBoundingClientRect();
        return { left: r.left, top: r.top, width: r.width, height: r.height, scrollTop: canvas.parentElement!.scrollTop };
      });
      const box = nodeBox(layout, node, -1, view.width, scrollHeight(layout.maxDepth, view.height), view.scrollTop, 'icicle');
      if (box.y < 0 || box.y + box.height > view.height) continue;
      await app.page.mouse.click(view.left + box.x + box.width / 2, view.top + box.y + box.height / 2);
      draws.push(await app.page.evaluate(() => performance.getEntriesByName('flameGraph:draw').at(-1)?.duration ?? NaN));
      await app.page.click('.crumb >> nth=0');
    }
    return { nodes, stacks: stackCount, floorBuildMs, buildMs, clearMs, firstPaintMs: median(paints), zoomDrawMs: median(draws), payloadMB };
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  const rows: Row[] = [];
  try {
    for (const stacks of [24_000, 230_000]) rows.push(await measure(browser, stacks));
  } finally {
    await browser.close();
  }
  const r = (a: number, b: number) => `${(a / b).toFixed(a / b >= 100 ? 0 : 1)}×`;
  console.log(`Pyrometer flame graph benchmarks — ${new Date().toISOString()}`);
  console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; node ${process.version}; Chromium headless, no GPU, devicePixelRatio 2, canvas 1264×600 CSS px`);
  console.log('');
  console.log('| nodes (stacks) | payload | build ms (floor) | ratio | clear ms | first paint ms | ratio | zoom draw ms | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of rows) {
    console.log(`| ${x.nodes.toLocaleString('en-US')} (${x.stacks.toLocaleString('en-US')}) | ${x.payloadMB.toFixed(1)} MB | ${x.buildMs.toFixed(0)} (${x.floorBuildMs.toFixed(1)}) | ${r(x.buildMs, x.floorBuildMs)} | ${x.clearMs.toFixed(3)} | ${x.firstPaintMs.toFixed(1)} | ${r(x.firstPaintMs, x.clearMs)} | ${x.zoomDrawMs.toFixed(2)} | ${r(x.zoomDrawMs, x.clearMs)} |`);
  }
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
