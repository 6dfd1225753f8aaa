// Compare with baseline as a user meets it: profile, change the script, profile again, compare; the def's CodeLens
// carries the delta and the flame graph is coloured by it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { compareScript } from '../support/sampleScripts';
import type { E2ETest } from './workbench';


export const tests: E2ETest[] = [
  {
    name: 'compare with baseline shows the delta on the CodeLens and a diff flame graph',
    timeoutMs: 300_000,
    async run(ctx) {
      const file = path.join(ctx.env.workspace, 'compare_demo.py');
      fs.writeFileSync(file, compareScript('600_000', ''));
      const wb = await ctx.openWorkbench();
      await wb.openFile('compare_demo.py');
      await wb.runCommand('Pyrometer: Profile this script (cProfile)');
      ctx.log('baseline lens:', await wb.waitForCodeLens('1,800,000 calls', 120_000));
      // The change: a third of the calls, every def two lines lower.
      fs.writeFileSync(file, compareScript('200_000', '# changed: work does a third of the calls\n\n'));
      await wb.page.waitForTimeout(1_500);
      await wb.runCommand('Pyrometer: Profile this script (cProfile)');
      ctx.log('new lens:', await wb.waitForCodeLens('600,000 calls', 120_000));
      await wb.runCommand('Pyrometer: Compare with baseline…');
      const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'compare_demo.py' }).first();
      await row.waitFor({ timeout: 30_000 });
      await row.click();
      // The deltas table opens as a Markdown preview; the script's tab holds the CodeLens deltas.
      await wb.page.locator('.tab', { hasText: 'comparison.md' }).first().waitFor({ timeout: 30_000 });
      await wb.page.locator('.tab', { hasText: 'compare_demo.py' }).first().click();
      const delta = await wb.waitForCodeLens('vs baseline', 60_000);
      ctx.log('delta lens:', delta);
      // A line's lenses come as one decoration: the figures, then the delta.
      assert.match(delta, /(^|\n)cum \u2212\d+% vs baseline \(was \d+\.\d{3} s\)$/);
      await wb.runCommand('Pyrometer: Show flame graph');
      const frame = wb.webview();
      await frame.locator('canvas').first().waitFor({ timeout: 60_000 });
      const banner = await frame.locator('.banner', { hasText: 'Compared with baseline' }).first().innerText();
      ctx.log('banner:', banner);
      assert.match(banner, /red grew, blue shrank/);
      // Room for the CodeLens deltas: hide the side bar.
      await wb.runCommand('View: Toggle Primary Side Bar Visibility');
      await wb.page.waitForTimeout(1_000);
      await wb.screenshot('compare-diff-flame-graph');
      await frame.locator('button.segment', { hasText: 'Δ self' }).click();
      await frame.locator('button.segment[aria-pressed="true"]', { hasText: 'Δ self' }).waitFor({ timeout: 30_000 });
      assert.match(await frame.locator('.banner').first().innerText(), /by each function's self time/);
      await wb.screenshot('compare-diff-flame-graph-self');
    },
  },
];
