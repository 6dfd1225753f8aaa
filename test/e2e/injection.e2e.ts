// Profile strings are data: a collapsed-stacks file whose function, file and thread names carry markup, quotes,
// backticks, RTL/zero-width characters and 10 KB strings opens in the real editor, and nothing of it runs.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { E2ETest } from './workbench';

const HOSTILE = [
  '<script>window.__pyrometerPwned = "script"</script>',
  '<img src=x onerror="window.__pyrometerPwned = \'img\'">',
  '"quoted" `backticked` ${template}',
  '\u202Egnp.exe\u200B\u200Dzero-width',
  `long${'x'.repeat(10_000)}`,
];

export const tests: E2ETest[] = [
  {
    name: 'hostile names in a profile file are shown as text and nothing in them runs',
    timeoutMs: 240_000,
    async run(ctx) {
      const file = path.join(ctx.env.workspace, 'hostile.collapsed');
      const stacks = HOSTILE.map((name, i) =>
        `thread (0x${(i + 1).toString(16)}): ${name};main (/w/<b>app</b>.py:1);${name} (/w/${name.slice(0, 40)}.py:${i + 2}) ${10 * (i + 1)}`);
      fs.writeFileSync(file, stacks.join('\n') + '\n');
      const wb = await ctx.openWorkbench();
      await wb.waitForExplorer('hostile.collapsed');
      await wb.quickOpen('hostile.collapsed');
      const frame = wb.webview();
      await frame.locator('canvas').first().waitFor({ timeout: 90_000 });
      await frame.locator('input.search').fill('<script>');
      await frame.locator('.match-count', { hasText: 'matched' }).waitFor({ timeout: 30_000 });
      await frame.locator('input.search').press('Enter');
      const status = await frame.locator('.status').innerText();
      ctx.log('selected:', status.slice(0, 200));
      await wb.screenshot('hostile-names');
      assert.ok(status.includes('<script>window.__pyrometerPwned'), 'the name is shown literally');
      const pwned = await frame.locator('body').evaluate(() => ({
        flag: (window as unknown as { __pyrometerPwned?: string }).__pyrometerPwned,
        // The page's own scripts (the bundle, VS Code's) are fine; one made from the profile's text is not.
        scripts: [...document.querySelectorAll('script')].filter(x => (x.textContent ?? '').includes('pyrometerPwned')).length,
        images: document.querySelectorAll('img').length,
        bold: document.querySelectorAll('b').length,
      }));
      ctx.log('in the webview:', JSON.stringify(pwned));
      assert.deepStrictEqual(pwned, { flag: undefined, scripts: 0, images: 0, bold: 0 });
      const workbenchFlag = await wb.page.evaluate(() => (window as unknown as { __pyrometerPwned?: string }).__pyrometerPwned);
      assert.strictEqual(workbenchFlag, undefined);
    },
  },
];
