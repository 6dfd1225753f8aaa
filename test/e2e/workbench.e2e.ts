// Smoke test of the UI harness itself: the workbench loads the workspace and opens a file.
import * as assert from 'assert';
import type { E2ETest } from './workbench';

export const tests: E2ETest[] = [
  {
    name: 'the workbench opens calls.py',
    timeoutMs: 120_000,
    async run(ctx) {
      const wb = await ctx.openWorkbench();
      await wb.waitForExplorer('calls.py');
      await wb.openFile('calls.py');
      const text = await wb.page.locator('.editor-group-container.active .view-lines').first().innerText();
      assert.match(text.replace(/\u00a0/g, ' '), /def inc\(x\):/);
      await wb.screenshot('workbench-calls-py');
    },
  },
];
