// Memory and GC as a user meets them: Profile memory from the Explorer, the Allocations view and the figures on
// the lines; Profile GC and exceptions, the raised-exception counts on the lines and the GC timeline.
import * as assert from 'assert';
import type { E2ETest } from './workbench';

export const tests: E2ETest[] = [
  {
    name: 'Profile memory shows allocation figures on allocations.py and the Allocations view',
    timeoutMs: 240_000,
    async run(ctx) {
      const wb = await ctx.openWorkbench();
      await wb.openFile('allocations.py');
      await wb.explorerContextMenu('allocations.py', 'Profile memory (tracemalloc)');
      const view = wb.page.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: 'Allocations' }) });
      await view.locator('.monaco-list-row', { hasText: 'allocations.py:' }).first().waitFor({ timeout: 120_000 });
      let texts: string[] = [];
      for (let i = 0; i < 20 && !texts.some(t => /blocks/.test(t)); i++) {
        await wb.page.waitForTimeout(500);
        texts = await wb.decorationAfterTexts();
      }
      const rows = (await view.locator('.monaco-list-row').allInnerTexts()).map(t => t.replace(/\s+/g, ' '));
      ctx.log('allocations view:', JSON.stringify(rows.slice(0, 6)));
      ctx.log('after-texts:', JSON.stringify(texts));
      const cacheLens = await wb.waitForCodeLens('_cache keeps', 60_000);
      ctx.log('retainer lens:', cacheLens);
      const holderRows = (await view.locator('.monaco-list-row').allInnerTexts()).map(t => t.replace(/\s+/g, ' ').trim());
      ctx.log('allocations view after the lens:', JSON.stringify(holderRows.slice(0, 4)));
      await wb.screenshot('memory-allocations');
      assert.ok(rows.some(r => /allocations\.py:\d+.*(?:B|KiB|MiB|GiB) · [\d,]+ blocks?/.test(r)), 'rows with sizes and blocks');
      assert.ok(holderRows.some(r => /Kept alive at the end by globals/.test(r)), 'the retainers group');
      assert.ok(holderRows.some(r => /_cache ?[\d.]+ MiB · [\d,]+ objects · allocations\.py:3/.test(r)), 'the cache as the first holder');
      assert.match(cacheLens, /^memory: _cache keeps [\d.]+ MiB alive at the end \([\d,]+ objects, the most of any global\)/);
      assert.ok(texts.some(t => /(?:KiB|MiB) in [\d,]+ blocks/.test(t)), 'figures after the allocating lines');
    },
  },
  {
    name: 'Profile GC and exceptions counts the KeyError on its line and draws the GC timeline',
    timeoutMs: 240_000,
    async run(ctx) {
      const wb = await ctx.openWorkbench();
      await wb.openFile('mixed_app.py');
      await wb.explorerContextMenu('mixed_app.py', 'Profile GC and exceptions');
      const frame = wb.webview();
      await frame.locator('svg rect.bar').first().waitFor({ timeout: 120_000 });
      const caption = (await frame.locator('#caption').innerText()).replace(/\s+/g, ' ');
      ctx.log('timeline caption:', caption);
      await wb.screenshot('gc-timeline');
      assert.match(caption, /[\d,]+ collections, paused/);
      let texts: string[] = [];
      for (let i = 0; i < 20 && !texts.some(t => /KeyError/.test(t)); i++) {
        await wb.page.waitForTimeout(500);
        texts = await wb.decorationAfterTexts();
      }
      ctx.log('after-texts:', JSON.stringify(texts));
      assert.ok(texts.some(t => /raised KeyError ×2/.test(t)), 'the KeyError count on its line');
    },
  },
];
