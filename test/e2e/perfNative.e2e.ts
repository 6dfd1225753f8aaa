// Native profiling as a user meets it: run perf on a regex/dict workload, read the CodeLens, open the mixed flame
// graph (Python, native, kernel frames in their own colours, a legend) and switch the frame filter.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { newestPyenvPython } from '../support/pyenvPython';
import type { E2ETest } from './workbench';

const WORKLOAD = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'perf', 'regex_dict_workload.py');

export const tests: E2ETest[] = [
  {
    name: 'perf: native profile shows native work on the CodeLens and a mixed flame graph with a frame filter',
    timeoutMs: 300_000,
    async run(ctx) {
      const python = newestPyenvPython('3.13');
      if (!python) {
        ctx.log('skipped: no Python 3.13 in pyenv');
        return;
      }
      const workspace = ctx.env.workspace;
      fs.copyFileSync(WORKLOAD, path.join(workspace, 'perf_regex_dict.py'));
      const settingsFile = path.join(workspace, '.vscode', 'settings.json');
      const before = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ ...(before ? JSON.parse(before) : {}), 'pyrometer.pythonPath': python }, null, 2));
      try {
        const wb = await ctx.openWorkbench();
        await wb.openFile('perf_regex_dict.py');
        await wb.runCommand('Pyrometer: Profile this script (native, perf)');
        const lens = await wb.waitForCodeLens('native under it', 180_000);
        // The script's stacks start at its own <module>: the runner's exec frames are gone.
        ctx.log('first perf lens:', lens);
        assert.match(lens, /^perf: [\d.]+% total \([\d,]+ samples?\) \| self [\d.]+% \([\d,]+\) \| native under it [\d.]+%: /);
        const countWords = await wb.codeLensAbove('def count_words(');
        ctx.log('count_words lens:', countWords);
        assert.match(countWords ?? '', /native under it [\d.]+%: regex /);
        await wb.runCommand('Pyrometer: Show flame graph');
        const frame = wb.webview();
        await frame.locator('canvas').first().waitFor({ timeout: 60_000 });
        const legend = await frame.locator('.legend').innerText();
        assert.match(legend.replace(/\s+/g, ' '), /Python native \(C\) kernel JIT/);
        const pressed = async () => frame.locator('.segmented[aria-label="Frames"] button[aria-pressed="true"]').innerText();
        assert.strictEqual(await pressed(), 'All frames');
        await frame.locator('input.search').fill('sre_');
        await frame.locator('.match-count', { hasText: 'matched' }).waitFor({ timeout: 30_000 });
        await frame.locator('input.search').fill('');
        await frame.locator('.match-count', { hasText: /match/ }).waitFor({ state: 'detached', timeout: 30_000 });
        await wb.page.waitForTimeout(500);
        await wb.screenshot('perf-flame-all-frames');
        await frame.locator('.segmented[aria-label="Frames"] button', { hasText: 'Python only' }).click();
        await frame.locator('.segmented[aria-label="Frames"] button[aria-pressed="true"]', { hasText: 'Python only' }).waitFor({ timeout: 30_000 });
        await frame.locator('input.search').fill('_PyEval_EvalFrameDefault');
        await frame.locator('.match-count', { hasText: /no match|0 match|0\.0%/i }).waitFor({ timeout: 30_000 }).catch(() => undefined);
        const after = await frame.locator('.match-count').innerText();
        ctx.log('eval loop in the Python-only view:', after);
        assert.doesNotMatch(after, /^[1-9][\d.]*% of total matched$/);
        await frame.locator('input.search').fill('');
        await frame.locator('.match-count', { hasText: /match/ }).waitFor({ state: 'detached', timeout: 30_000 });
        await wb.page.waitForTimeout(500);
        await wb.screenshot('perf-flame-python-only');
        await frame.locator('.segmented[aria-label="Frames"] button', { hasText: 'No interpreter' }).click();
        await frame.locator('.segmented[aria-label="Frames"] button[aria-pressed="true"]', { hasText: 'No interpreter' }).waitFor({ timeout: 30_000 });
        await wb.page.waitForTimeout(500);
        await wb.screenshot('perf-flame-no-interpreter');
      } finally {
        if (before === undefined) fs.rmSync(settingsFile, { force: true });
        else fs.writeFileSync(settingsFile, before);
      }
    },
  },
];
