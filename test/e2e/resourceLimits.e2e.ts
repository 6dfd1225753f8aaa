// The memory cap as a user meets it: a profile file larger than pyrometer.maxProfileMegabytes opens in Pyrometer's
// editor with a message giving its size, the cap and the setting to raise, instead of filling the server's memory.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { E2ETest } from './workbench';

export const tests: E2ETest[] = [
  {
    name: 'a profile file over pyrometer.maxProfileMegabytes is refused with its size, the cap and the setting',
    timeoutMs: 240_000,
    async run(ctx) {
      const workspace = ctx.env.workspace;
      const settingsFile = path.join(workspace, '.vscode', 'settings.json');
      const before = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
      const settings = before ? JSON.parse(before) as Record<string, unknown> : {};
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'pyrometer.maxProfileMegabytes': 16 }, null, 2));
      const big = path.join(workspace, 'big-run.collapsed');
      const line = 'main (app.py:1);work (app.py:2);inc (app.py:3) 1\n';
      fs.writeFileSync(big, line.repeat(Math.ceil((17 * 1024 * 1024) / line.length)));
      try {
        const wb = await ctx.openWorkbench();
        await wb.waitForExplorer('big-run.collapsed');
        await wb.quickOpen('big-run.collapsed');
        const frame = wb.webview();
        const message = frame.locator('.placeholder', { hasText: 'maxProfileMegabytes' });
        await message.waitFor({ timeout: 90_000 });
        const text = await message.innerText();
        ctx.log('message:', text);
        assert.match(text, /big-run\.collapsed is 17 MB, more than the 16 MB of profiles Pyrometer keeps in memory \(setting pyrometer\.maxProfileMegabytes\)/);
        await wb.screenshot('resource-limits-too-large');
      } finally {
        fs.rmSync(big, { force: true });
        if (before === undefined) fs.rmSync(settingsFile, { force: true });
        else fs.writeFileSync(settingsFile, before);
      }
    },
  },
];
