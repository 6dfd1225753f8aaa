// Benchmark with pyperf as a user meets it: the interpreter has pyperf, an expression is selected, the command runs
// twice, and the report shows pyperf's values per process and pyperf compare_to's own verdict.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { toolVenvPython } from '../support/toolVenvs';
import type { E2ETest } from './workbench';

const SCRIPT = `def inc(x):
    return x + 1


def work(n):
    total = 0
    for i in range(n):
        total += inc(i)
    return total


if __name__ == "__main__":
    work(2000)
`;

export const tests: E2ETest[] = [
  {
    name: 'benchmark a selection with pyperf shows values per process and compare_to on the second run',
    timeoutMs: 300_000,
    async run(ctx) {
      const workspace = ctx.env.workspace;
      const pyperfPython = toolVenvPython('pyperf', '3.11');
      const settingsFile = path.join(workspace, '.vscode', 'settings.json');
      const before = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
      const settings = before ? JSON.parse(before) as Record<string, unknown> : {};
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'pyrometer.pythonPath': pyperfPython }, null, 2));
      const file = path.join(workspace, 'bench_demo.py');
      fs.writeFileSync(file, SCRIPT);
      try {
        const wb = await ctx.openWorkbench();
        await wb.openFile('bench_demo.py');
        for (let run = 0; run < 2; run++) {
          // back to the source: the report's preview opened in its tab group and has the focus
          if (run > 0) await wb.page.locator('.tab', { hasText: 'bench_demo.py' }).first().click();
          await wb.page.keyboard.press('Control+G');
          await wb.page.locator('.quick-input-widget input').fill(':13');
          await wb.page.keyboard.press('Enter');
          await wb.page.keyboard.press('End');
          await wb.page.keyboard.press('Shift+Home');
          await wb.runCommand('Pyrometer: Benchmark selection/function (timeit or pyperf)');
          const preview = wb.webview();
          const want = run === 0 ? 'values from' : 'pyperf compare_to';
          await preview.locator('body', { hasText: want }).waitFor({ timeout: 150_000 });
          const text = await preview.locator('body').innerText();
          ctx.log(`report ${run + 1}:`, text.slice(0, 600));
          assert.match(text, /Pyrometer benchmark: work\(2000\)/);
          assert.match(text, /pyperf \(fast mode\) on Python 3\.11\.\d+: \d+ values from \d+ processes, each after 1 warm-up/);
          assert.match(text, /process 1 \([\d,]+ loops, warm-up/);
          if (run === 1) {
            assert.match(text, /Mean \+- std dev: \[previous-pyperf\] .* -> \[pyperf\] .*\n(Not significant!|Significant \(t=)/);
            await preview.locator('pre').last().scrollIntoViewIfNeeded();  // the screenshot shows compare_to's verdict
          }
        }
        await wb.screenshot('benchmark-pyperf');
      } finally {
        fs.rmSync(file, { force: true });
        if (before === undefined) fs.rmSync(settingsFile, { force: true });
        else fs.writeFileSync(settingsFile, before);
      }
    },
  },
];
