// A profile file as a user meets it: a .prof in the workspace opens like an image, in Pyrometer's editor (its
// flame graph under a one-line summary), and the profiled script then shows the file's figures in its CodeLens.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { E2ETest, Workbench } from './workbench';


const RUNNER = path.resolve(__dirname, '..', '..', '..', 'python', 'pyrometer_runner'); // out/test/e2e -> repo

/**
 * The summary line once the file is read, whatever it says: a file Pyrometer could not open fails the caller's
 * assertion with the editor's own message rather than a timeout; a summary that never comes fails with what the
 * workbench showed instead (tabs, webviews, any summary text).
 */
async function readSummary(wb: Workbench, fileName: string): Promise<string> {
  const frame = wb.webview();
  const summary = frame.locator('.summary', { hasText: fileName, hasNotText: 'reading…' });
  try {
    await summary.waitFor({ timeout: 90_000 });
  } catch (e) {
    const tabs = await wb.page.locator('.tab').allInnerTexts();
    const webviews = await wb.page.locator('iframe.webview').evaluateAll(els => els.map(el =>
      `${el.className} (${getComputedStyle(el).visibility}, ${Math.round(el.getBoundingClientRect().width)} px wide)`));
    const shown = await frame.locator('.summary, .placeholder').allInnerTexts().catch(err => [`unreadable: ${err}`]);
    // A file opened before the workbench knew Pyrometer's editor shows as text (language mode in the status bar).
    const textEditor = await wb.page.locator('.editor-group-container.active .monaco-editor').count() > 0;
    throw new Error(`no summary for ${fileName}: tabs ${JSON.stringify(tabs)}; webviews ${JSON.stringify(webviews)}; ` +
      `${textEditor ? 'the file is open in a text editor; ' : ''}` +
      `the front webview shows ${JSON.stringify(shown)}. ${(e as Error).message.split('\n')[0]}`);
  }
  const text = await summary.innerText();
  const placeholder = frame.locator('.placeholder');
  return text.startsWith('Pyrometer cannot open') && await placeholder.count() > 0 ? `${text}: ${await placeholder.innerText()}` : text;
}

export const tests: E2ETest[] = [
  {
    name: 'a py-spy collapsed-stacks file opens in Pyrometer\'s editor with py-spy\'s own sample total',
    timeoutMs: 240_000,
    async run(ctx) {
      const workspace = ctx.env.workspace;
      // Real `py-spy record --format raw` output: plain lines, the reader's byte-level fast path.
      const raw = fs.readFileSync(path.resolve(RUNNER, '..', '..', 'test', 'fixtures', 'pyspy', 'calls-raw.txt'), 'utf8');
      const samples = raw.trim().split('\n').reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
      fs.writeFileSync(path.join(workspace, 'calls-pyspy.collapsed'), raw);
      const wb = await ctx.openWorkbench();
      await wb.waitForExplorer('calls-pyspy.collapsed');
      await wb.quickOpen('calls-pyspy.collapsed');
      const frame = wb.webview();
      const summaryText = await readSummary(wb, 'calls-pyspy.collapsed');
      ctx.log('summary:', summaryText, `(the file's counts add up to ${samples})`);
      assert.ok(samples > 0, `the fixture holds ${samples} samples`);
      assert.ok(summaryText.startsWith(`calls-pyspy.collapsed — collapsed stacks: ${samples.toLocaleString('en-US')} samples`), summaryText);
      await frame.locator('canvas').first().waitFor({ timeout: 60_000 });
      await frame.locator('input.search').fill('inc');
      await frame.locator('.match-count', { hasText: 'matched' }).waitFor({ timeout: 30_000 });
      await wb.screenshot('profile-file-collapsed');
      fs.rmSync(path.join(workspace, 'calls-pyspy.collapsed'), { force: true });
    },
  },
  {
    name: 'a saved perf script output opens in Pyrometer\'s editor as a mixed Python + native flame graph',
    timeoutMs: 240_000,
    async run(ctx) {
      const workspace = ctx.env.workspace;
      const fixtures = path.resolve(RUNNER, '..', '..', 'test', 'fixtures', 'perf');
      fs.copyFileSync(path.join(fixtures, 'py313-jit-script.txt'), path.join(workspace, 'native.perf-script'));
      const wb = await ctx.openWorkbench();
      await wb.waitForExplorer('native.perf-script');
      await wb.quickOpen('native.perf-script');
      const frame = wb.webview();
      const summaryText = await readSummary(wb, 'native.perf-script');
      ctx.log('summary:', summaryText);
      await frame.locator('canvas').first().waitFor({ timeout: 60_000 });
      await frame.locator('input.search').fill('count_words');
      await frame.locator('.match-count', { hasText: 'matched' }).waitFor({ timeout: 30_000 });
      await wb.screenshot('profile-file-perf-script');
      assert.match(summaryText, /^native\.perf-script — perf script output: [\d,]+ samples/);
      fs.rmSync(path.join(workspace, 'native.perf-script'), { force: true });
    },
  },
  {
    name: 'a .prof written by the cprofile runner opens in Pyrometer\'s editor with its flame graph and summary',
    timeoutMs: 240_000,
    async run(ctx) {
      const workspace = ctx.env.workspace;
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrometer-e2e-prof-'));
      try {
        execFileSync('python3', [RUNNER, 'cprofile', '--out', path.join(tmp, 'result.json'), '--prof-out', path.join(workspace, 'calls.prof'),
          '--', path.join(workspace, 'calls.py')], { cwd: workspace, stdio: 'pipe' });
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      const wb = await ctx.openWorkbench();
      await wb.waitForExplorer('calls.prof');
      // Quick Open, as a user opens any file: *.prof opens in Pyrometer's editor by default.
      await wb.quickOpen('calls.prof');
      const frame = wb.webview();
      const summaryText = await readSummary(wb, 'calls.prof');
      ctx.log('summary:', summaryText);
      assert.match(summaryText, /^calls\.prof — pstats file \(cProfile\): [\d,]+ functions, \d+\.\d{3} s of own time in all · read with Python 3\.\d+/);
      await frame.locator('canvas').first().waitFor({ timeout: 60_000 });
      await frame.locator('input.search').fill('inc');
      await frame.locator('.match-count', { hasText: 'matched' }).waitFor({ timeout: 30_000 });
      await frame.locator('input.search').press('Enter');
      const status = await frame.locator('.status').innerText();
      ctx.log('selected:', status);
      assert.match(status, /^inc — (?:.*\/)?calls\.py:\d+ — /);
      await wb.screenshot('profile-file-prof-editor');

      // The file's run is the shown run: calls.py's CodeLens carry its figures.
      await wb.openFile('calls.py');
      const lens = await wb.waitForCodeLens('3,000,000 calls', 60_000);
      ctx.log('lens:', lens);
      assert.match(lens, /^cum \d+\.\d{3}s \| own \d+\.\d{3}s \| 3,000,000 calls/);

      // A file that is not a profile: the editor says so and names what Pyrometer reads; nothing else changes.
      fs.writeFileSync(path.join(workspace, 'broken.prof'), Buffer.from([0x00, 0x13, 0x37, 0x42, 0x00]));
      await wb.waitForExplorer('broken.prof');
      await wb.quickOpen('broken.prof');
      const broken = wb.webview();
      const message = broken.locator('.placeholder', { hasText: 'Pyrometer reads' });
      await message.waitFor({ timeout: 60_000 });
      ctx.log('message:', await message.innerText());
      assert.match(await message.innerText(), /broken\.prof is binary but not a pstats profile/);
      assert.match(await broken.locator('.summary').innerText(), /^Pyrometer cannot open broken\.prof$/);
      await wb.screenshot('profile-file-not-a-profile');
    },
  },
];
