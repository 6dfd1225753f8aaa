// Line timing as a user meets it: cursor in a function, Profile lines… → Functions at the cursor, then the
// figures on the lines themselves.
import * as assert from 'assert';
import type { E2ETest } from './workbench';

const LINE_FIGURES = /^ {0,2}[\d,]+ hits? · [\d.]+ (?:ns|µs|ms|s) · [\d.]+ (?:ns|µs|ms|s)\/hit · [\d.]+%$/;

export const tests: E2ETest[] = [
  {
    name: 'Profile lines… on the function at the cursor puts hits and times on its lines in mixed_app.py',
    timeoutMs: 240_000,
    async run(ctx) {
      const wb = await ctx.openWorkbench();
      await wb.openFile('mixed_app.py');
      // The cursor inside count_codes: Ctrl+G, line 29.
      await wb.page.keyboard.press('Control+G');
      await wb.page.locator('.quick-input-widget input').fill(':29');
      await wb.page.keyboard.press('Enter');
      await wb.runCommand('Pyrometer: Profile lines…');
      const scopeRow = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Functions at the cursor' }).first();
      await scopeRow.waitFor({ timeout: 30_000 });
      const described = (await scopeRow.innerText()).replace(/\s+/g, ' ');
      ctx.log('scope item:', described);
      assert.match(described, /count_codes/, 'the item names the function under the cursor');
      await wb.screenshot('line-timing-scope-pick');
      await scopeRow.click();

      const lens = await wb.waitForCodeLens('lines:', 120_000);
      ctx.log('lens:', lens);
      let texts: string[] = [];
      for (let i = 0; i < 20 && !texts.some(t => t.includes('never executed') || LINE_FIGURES.test(t)); i++) {
        await wb.page.waitForTimeout(500);
        texts = await wb.decorationAfterTexts();
      }
      ctx.log('after-texts:', JSON.stringify(texts));
      await wb.screenshot('line-timing-count-codes');
      assert.match(lens, /^lines: [\d.]+ (?:µs|ms|s) in 1 call \| hottest line \d+ \([\d.]+%\)/);
      const figures = texts.filter(t => LINE_FIGURES.test(t));
      assert.ok(figures.length >= 5, `expected figures on count_codes' lines, got ${JSON.stringify(texts)}`);
      assert.ok(!texts.some(t => /hits? ·/.test(t) && !LINE_FIGURES.test(t)), 'every figure has the full form');

      const line = wb.page.locator('.editor-group-container.active .view-line', { hasText: 'counts[r["code"]] = 1' }).first();
      const hover = wb.page.locator('.monaco-hover', { hasText: 'line timing' }).first();
      for (let i = 0; i < 10 && !(await hover.isVisible()); i++) {
        const box = (await line.boundingBox())!;
        await wb.page.mouse.move(box.x + 40 + i, box.y + box.height / 2);
        await wb.page.waitForTimeout(1500);
      }
      const hoverText = (await hover.innerText()).replace(/\s+/g, ' ');
      ctx.log('hover:', hoverText);
      await wb.screenshot('line-timing-hover');
      assert.match(hoverText, /Line 31 of count_codes/);
      assert.match(hoverText, /[\d,]+ ns in all/);
    },
  },
];
