// The specialized-bytecode panel as a user meets it: cursor on a hot line, Show specialized bytecode, and the
// listing beside the source scrolled to that line.
import * as assert from 'assert';
import { normalizeText, type E2ETest } from './workbench';

export const tests: E2ETest[] = [
  {
    name: 'Show specialized bytecode opens the listing beside attributes.py at the line under the cursor',
    timeoutMs: 240_000,
    async run(ctx) {
      const wb = await ctx.openWorkbench();
      await wb.openFile('attributes.py');
      await wb.page.keyboard.press('Control+G');
      await wb.page.locator('.quick-input-widget input').fill(':28');
      await wb.page.keyboard.press('Enter');
      await wb.runCommand('Pyrometer: Show specialized bytecode');
      const tab = wb.page.locator('.tab', { hasText: 'attributes.py.pydis' }).first();
      await tab.waitFor({ timeout: 120_000 });
      const listing = wb.page.locator('.editor-group-container', { has: wb.page.locator('.tab.active', { hasText: 'attributes.py.pydis' }) })
        .locator('.view-lines').first();
      let lines: string[] = [];
      for (let i = 0; i < 30 && !lines.some(l => l.includes('LOAD_ATTR')); i++) {
        await wb.page.waitForTimeout(500);
        lines = (await listing.locator('.view-line').allInnerTexts()).map(normalizeText);
      }
      ctx.log('visible listing lines:', JSON.stringify(lines));
      await wb.screenshot('bytecode-beside-source');
      const source = lines.find(l => /^28 │ total \+= item\.price/.test(l));
      assert.ok(source, 'the listing is scrolled to source line 28 of the function under the cursor');
      const load = lines.find(l => /\bLOAD_ATTR\w*/.test(l) && lines.indexOf(l) > lines.indexOf(source!));
      assert.ok(load, 'its attribute load is listed below it');
      assert.match(load!, /✓ specialized/, 'the monomorphic site is specialized');
    },
  },
];
