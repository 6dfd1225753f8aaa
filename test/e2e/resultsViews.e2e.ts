// What a user sees after a profile besides the CodeLens: the hover, the function table, and cancelling a run.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { E2EContext, E2ETest, Workbench } from './workbench';

async function profileFromPalette(wb: Workbench, file: string): Promise<void> {
  await wb.openFile(file);
  await wb.runCommand('Pyrometer: Profile this script (cProfile)');
}

/** A fresh workbench with calls.py profiled from the palette and its inc CodeLens on screen. */
async function workbenchWithCallsProfiled(ctx: E2EContext): Promise<Workbench> {
  const wb = await ctx.openWorkbench();
  await profileFromPalette(wb, 'calls.py');
  await wb.waitForCodeLens('3,000,000 calls', 120_000);
  return wb;
}

/** Processes whose command line matches, zombies excluded. */
function running(pattern: RegExp): string[] {
  return execFileSync('ps', ['-eo', 'stat,args']).toString().split('\n')
    .filter(l => pattern.test(l) && !l.startsWith('Z') && !l.includes('ps -eo'));
}

export const tests: E2ETest[] = [
  {
    name: 'hovering def inc shows its figures and its caller work with the per-edge calls',
    timeoutMs: 240_000,
    async run(ctx) {
      const wb = await workbenchWithCallsProfiled(ctx);
      const line = wb.page.locator('.editor-group-container.active .view-line', { hasText: 'def inc' }).first();
      const hover = wb.page.locator('.monaco-hover', { hasText: 'Called by' }).first();
      for (let i = 0; i < 10 && !(await hover.isVisible()); i++) {
        const box = (await line.boundingBox())!;
        await wb.page.mouse.move(box.x + 20 + i, box.y + box.height / 2);
        await wb.page.waitForTimeout(1500);
      }
      const text = (await hover.innerText()).replace(/\s+/g, ' ');
      ctx.log('hover:', text);
      await wb.screenshot('hover-def-inc');
      assert.match(text, /Pyrometer \(cProfile\)/);
      assert.match(text, /3,000,000/);
      assert.match(text, /work \(calls\.py:8\): 3,000,000 calls, cum \d+\.\d{3} s/);
    },
  },
  {
    name: 'the function table sorts by tottime and clicking inc opens its def',
    timeoutMs: 240_000,
    async run(ctx) {
      const wb = await workbenchWithCallsProfiled(ctx);
      await wb.runCommand('Pyrometer: Focus on Functions View');
      const table = wb.webview();
      await table.locator('tbody tr', { hasText: 'inc' }).first().waitFor({ timeout: 60_000 });
      await table.locator('th[data-key="tottime"]').click();
      const rows = await table.locator('tbody tr').evaluateAll(trs => trs.map(tr =>
        [...tr.querySelectorAll('td')].map(td => td.textContent ?? '')));
      ctx.log('rows sorted by tottime:', JSON.stringify(rows.slice(0, 3)));
      const tottimes = rows.map(r => Number(r[2]));
      assert.deepStrictEqual(tottimes, [...tottimes].sort((a, b) => b - a), 'not sorted by tottime, descending');
      assert.strictEqual(rows[0][0], 'work', 'work has the most own time in calls.py');
      const inc = rows.find(r => r[0] === 'inc')!;
      assert.deepStrictEqual([inc[1], inc[6]], ['3000000', 'calls.py:4']);
      await table.locator('tbody tr', { hasText: 'calls.py:4' }).click();
      await wb.page.locator('.statusbar-item', { hasText: 'Ln 4, Col 1' }).waitFor({ timeout: 30_000 });
      await wb.screenshot('function-table-sorted-by-tottime');
    },
  },
  {
    name: 'a program of 1,200 functions: the table shows a page of 500, "Show more" adds 500, the filter finds by name',
    timeoutMs: 300_000,
    async run(ctx) {
      // A real script whose defs are its own lines: f_NNNN is called NNNN % 7 + 1 times.
      const count = 1200;
      const defs = Array.from({ length: count }, (_, i) => `def f_${String(i).padStart(4, '0')}():\n    return ${i}\n`).join('');
      fs.writeFileSync(path.join(ctx.env.workspace, 'e2e_many_functions.py'), `${defs}\n` +
        `for i, f in enumerate([f for name, f in sorted(globals().items()) if name.startswith("f_")]):\n` +
        `    for _ in range(i % 7 + 1):\n        f()\n`);
      const wb = await ctx.openWorkbench();
      await profileFromPalette(wb, 'e2e_many_functions.py');
      await wb.waitForCodeLens('4 calls', 120_000);
      await wb.runCommand('Pyrometer: Focus on Functions View');
      const table = wb.webview();
      const caption = table.locator('#caption');
      await caption.filter({ hasText: /functions$/ }).waitFor({ timeout: 60_000 });
      const total = Number((await caption.innerText()).match(/: ([\d,]+) functions$/)![1].replace(/,/g, ''));
      ctx.log('caption:', await caption.innerText());
      assert.ok(total >= count + 1 && total < count + 20, `${total} functions: the ${count} defs, the module and a few builtins`);
      const rowCount = () => table.locator('tbody tr').count();
      assert.strictEqual(await rowCount(), 500);
      assert.strictEqual(await table.locator('#shown').innerText(), `Showing 500 of ${total.toLocaleString('en-US')}`);

      await table.locator('#showMore').click();
      await table.locator('#shown', { hasText: 'Showing 1,000 of' }).waitFor({ timeout: 30_000 });
      assert.strictEqual(await rowCount(), 1000);
      // Scrolled down to the button, the caption and filter are still at the top, the column titles under them.
      const tops = await table.locator('body').evaluate(() => ({
        scrolled: document.getElementById('rows')!.scrollTop,
        filter: document.getElementById('filter')!.getBoundingClientRect().top,
        filterBottom: document.getElementById('filter')!.getBoundingClientRect().bottom,
        header: document.querySelector('th')!.getBoundingClientRect().top,
        toolbarBottom: document.getElementById('toolbar')!.getBoundingClientRect().bottom,
      }));
      ctx.log('after "Show more":', JSON.stringify(tops));
      assert.ok(tops.scrolled > 1000, 'the rows were scrolled down to the button');
      assert.ok(tops.filter >= 0 && tops.filter < 60 && tops.header >= tops.filterBottom - 1, JSON.stringify(tops));
      assert.ok(Math.abs(tops.header - tops.toolbarBottom) < 1, `no gap for rows to show through: ${JSON.stringify(tops)}`);
      await wb.screenshot('function-table-scrolled');

      await table.locator('#filter').fill('F_011');
      await caption.filter({ hasText: '10 match "F_011"' }).waitFor({ timeout: 30_000 });
      const rows = await table.locator('tbody tr').evaluateAll(trs => trs.map(tr =>
        [...tr.querySelectorAll('td')].map(td => td.textContent ?? '')));
      ctx.log('filtered rows:', JSON.stringify(rows.slice(0, 3)));
      assert.deepStrictEqual(rows.map(r => r[0]).sort(), Array.from({ length: 10 }, (_, k) => `f_011${k}`));
      for (const r of rows) {
        const n = Number(r[0].slice(2));
        assert.deepStrictEqual([r[1], r[6]], [String((n % 7) + 1), `e2e_many_functions.py:${2 * n + 1}`], r[0]);
      }
      assert.ok(await table.locator('#showMore').isHidden(), 'no "Show more" when every match is shown');
      await wb.screenshot('function-table-filtered');
      // Hidden and shown again (its page is rebuilt), the table keeps its filter, rows and sort.
      await wb.runCommand('Problems: Focus on Problems View');
      await wb.runCommand('Pyrometer: Focus on Functions View');
      await wb.webview().locator('#caption', { hasText: '10 match "F_011"' }).waitFor({ timeout: 30_000 });
      assert.strictEqual(await wb.webview().locator('#filter').inputValue(), 'F_011');
      assert.strictEqual(await wb.webview().locator('tbody tr').count(), 10);
      await table.locator('#filter').fill('');
      await table.locator('#shown', { hasText: `Showing 500 of ${total.toLocaleString('en-US')}` }).waitFor({ timeout: 30_000 });
      await wb.screenshot('function-table-first-page');

      // Clicking a def's CodeLens reveals its row, even where the filter hid it (the filter is cleared).
      await table.locator('#filter').fill('F_011');
      await caption.filter({ hasText: '10 match' }).waitFor({ timeout: 30_000 });
      await wb.page.locator('.contentWidgets .codelens-decoration a', { hasText: /\b2 calls\b/ }).first().click();
      const highlighted = table.locator('tbody tr.highlighted');
      await highlighted.waitFor({ timeout: 30_000 });
      assert.strictEqual(await highlighted.locator('td').first().innerText(), 'f_0001', 'the first "2 calls" lens is def f_0001\'s');
      assert.strictEqual(await table.locator('#filter').inputValue(), '');
      await wb.screenshot('function-table-revealed');
    },
  },
  {
    name: 'Cancel on the progress notification stops a hanging script and everything it started',
    timeoutMs: 240_000,
    async run(ctx) {
      const script = path.join(ctx.env.workspace, 'e2e_hangs.py');
      fs.writeFileSync(script, 'import subprocess, sys, time\n' +
        'subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)  # e2e-grandchild"])\n' +
        'print("started", flush=True)\ntime.sleep(3600)\n');
      const wb = await ctx.openWorkbench();
      await profileFromPalette(wb, 'e2e_hangs.py');
      const toast = wb.page.locator('.notifications-toasts .notification-list-item', { hasText: 'profiling e2e_hangs.py' }).first();
      await toast.waitFor({ timeout: 60_000 });
      for (let i = 0; i < 50 && running(/e2e-grandchild/).length === 0; i++) await wb.page.waitForTimeout(200);
      assert.ok(running(/e2e-grandchild/).length > 0, 'the script did not start its child');
      await wb.page.waitForTimeout(500);
      await wb.screenshot('cancel-progress-notification');
      await toast.hover();
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
      const message = await wb.waitForNotification('was cancelled', 30_000);
      ctx.log('notification:', message);
      await wb.screenshot('cancelled');
      for (let i = 0; i < 30 && running(/e2e_hangs\.py|e2e-grandchild/).length; i++) await wb.page.waitForTimeout(100);
      assert.deepStrictEqual(running(/e2e_hangs\.py|e2e-grandchild/), []);
    },
  },
];
