// The flame graph as a user meets it: sample a script with py-spy, open the graph, search, open a frame's source.
import * as assert from 'assert';
import type { E2ETest } from './workbench';

export const tests: E2ETest[] = [
  {
    name: 'the flame graph of a py-spy run finds parse by search and opens its line in the editor',
    timeoutMs: 240_000,
    async run(ctx) {
      const wb = await ctx.openWorkbench();
      await wb.openFile('mixed_app.py');
      await wb.runCommand('Pyrometer: Profile this script (py-spy)');
      const lens = await wb.waitForCodeLens('py-spy:', 120_000);
      ctx.log('first py-spy lens:', lens);
      await wb.runCommand('Pyrometer: Show flame graph');
      const frame = wb.webview();
      await frame.locator('canvas').first().waitFor({ timeout: 60_000 });
      await frame.locator('input.search').fill('parse');
      await frame.locator('.match-count', { hasText: 'matched' }).waitFor({ timeout: 30_000 });
      const matched = await frame.locator('.match-count').innerText();
      ctx.log('search:', matched);
      assert.match(matched, /^\d+(\.\d)?% of total matched$/);
      await frame.locator('input.search').press('Enter');
      const status = await frame.locator('.status').innerText();
      ctx.log('selected:', status);
      const m = /^parse — (?:.*\/)?mixed_app\.py:(\d+) — /.exec(status);
      assert.ok(m, `the selected frame is not parse in mixed_app.py: ${status}`);
      await wb.screenshot('flame-graph-search-parse');
      await frame.locator('canvas').first().focus();
      await frame.locator('canvas').first().press('Shift+Enter');
      await wb.page.locator('.statusbar-item', { hasText: `Ln ${m![1]}, Col 1` }).waitFor({ timeout: 30_000 });
      const active = await wb.page.locator('.tab.active').first().innerText();
      assert.match(active.replace(/\s+/g, ''), /mixed_app\.py/);
      // Revealed where it was already open, not as a second copy beside the flame graph.
      assert.strictEqual(await wb.page.locator('.tab', { hasText: 'mixed_app.py' }).count(), 1, 'mixed_app.py opened twice');
      await wb.screenshot('flame-graph-opened-parse');
    },
  },
];
