/**
 * Exported speedscope files open in speedscope itself: speedscope's built app (the `speedscope` npm package,
 * node_modules/speedscope/dist/release) and files exported by Pyrometer's exporter are served from a localhost HTTP
 * server, Debian's Chromium opens `index.html#profileURL=…`, and the test checks that speedscope imported the file:
 * the window title is the file's name (speedscope sets it only after a successful import), the profile picker
 * names the first profile, no alert ("Unrecognized format", "empty"), no "Something went wrong", no page error.
 *
 *   npm run build && npx tsc -p . && node out/test/webview/speedscope.browser.js [RESULTS_DIR]
 *
 * Writes RESULTS_DIR/webview-speedscope.json = {"suite":"webview-speedscope","passed":N,"failed":N} and a screenshot
 * per file to RESULTS_DIR/screenshots/webview-speedscope-*.png. The exported files are made from real tools' output:
 * py-spy files of test/fixtures/pyspy, and a cProfile run of the workloads' calls.py by the runner.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { collapsedText } from '../../src/core/collapsedExport';
import { parseCollapsedStacks } from '../../src/core/collapsedStacks';
import type { Profile } from '../../src/core/profileModel';
import { parseSpeedscope } from '../../src/core/speedscope';
import { DERIVED_PROFILE_NOTE, speedscopeOfProfile, type SpeedscopeFile } from '../../src/core/speedscopeExport';
import { loadCProfileResult, runCProfile } from '../../src/runners/cprofile';
import { runSuiteAsMain } from '../harness/browserSuite';
import { type Counts, failureLine } from '../harness/mochaCounts';
import { launchSpeedscopeChromium, type Opened, openInSpeedscope, serveSpeedscope, SPEEDSCOPE_DIR } from '../harness/speedscopeApp';
import { RUNNER_ROOT, testPython, WORKLOADS } from '../support/pythonForTests';

const repoRoot = path.resolve(__dirname, '..', '..', '..'); // out/test/webview -> repo
interface Case {
  readonly name: string;
  /** The file name speedscope fetches (its extension matters to speedscope's importers). */
  readonly file: string;
  readonly text: string;
  /** What speedscope's title must be: the name inside the file, or for formats without one the file name. */
  readonly title: string;
  /** The first profile's name, as speedscope's profile picker shows it (speedscope files only). */
  readonly firstProfile?: string;
  readonly profiles?: number;
}

const fixture = (name: string): string => fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'pyspy', name), 'utf8');

async function cprofileRun(): Promise<Profile> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrometer-speedscope-'));
  try {
    const outcome = await runCProfile({ python: testPython(), runnerRoot: RUNNER_ROOT, target: { kind: 'script', script: path.join(WORKLOADS, 'calls.py') }, args: [], cwd: WORKLOADS, runDir, timeoutMs: 120_000 });
    if (!outcome.hasResult) throw new Error(`the cprofile runner wrote no result: ${outcome.process.stderrTail}`);
    return await loadCProfileResult(outcome.resultPath);
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

function speedscopeCase(name: string, profile: Profile, label: string): Case {
  const file: SpeedscopeFile = speedscopeOfProfile(profile, label);
  return { name, file: `${name}.speedscope.json`, text: JSON.stringify(file), title: file.name, firstProfile: file.profiles[0].name, profiles: file.profiles.length };
}

async function cases(): Promise<Case[]> {
  const threads = parseCollapsedStacks(fixture('mixed-threads-raw.txt'), { rateHz: 100 });
  const speedscope = parseSpeedscope(fixture('mixed-speedscope.json'));
  const subprocesses = parseCollapsedStacks(fixture('spawn-subprocesses-raw.txt'), { rateHz: 100 });
  const calls = await cprofileRun();
  return [
    speedscopeCase('pyspy-threads', threads, 'mixed_app.py'),
    speedscopeCase('pyspy-speedscope', speedscope, 'mixed_app.py (speedscope)'),
    speedscopeCase('pyspy-subprocesses', subprocesses, 'spawn_child.py'),
    speedscopeCase('cprofile-derived', calls, 'calls.py'),
    // Collapsed exports carry no name: speedscope titles them with the file name (it skips the header comment).
    { name: 'cprofile-collapsed', file: 'calls.collapsedstack.txt', text: collapsedText(calls, 'calls.py'), title: 'calls.collapsedstack.txt' },
    { name: 'pyspy-collapsed', file: 'mixed.collapsedstack.txt', text: collapsedText(threads, 'mixed_app.py'), title: 'mixed.collapsedstack.txt' },
  ];
}

export async function runSpeedscopeBrowserTests(resultsDir: string): Promise<Counts> {
  const counts: Counts = { passed: 0, failed: 0, failures: [] };
  if (!fs.existsSync(path.join(SPEEDSCOPE_DIR, 'index.html'))) {
    console.error(`✗ ${SPEEDSCOPE_DIR}/index.html is missing: npm install (speedscope is a devDependency)`);
    return { passed: 0, failed: 1, failures: ['speedscope is not installed'] };
  }
  const all = await cases();
  const served = await serveSpeedscope(new Map(all.map(c => [c.file, c.text])));
  const browser = await launchSpeedscopeChromium();
  try {
    for (const c of all) {
      const t0 = Date.now();
      let opened: Opened | undefined;
      try {
        opened = await openInSpeedscope(browser, served.origin, c.file, c.title, 30_000);
        const { page } = opened;
        const text = await page.evaluate(() => document.body.innerText);
        assert.ok(!/Something went wrong/.test(text), `speedscope failed to import ${c.file}: ${opened.problems.join(' | ')}`);
        assert.strictEqual(opened.title, `${c.title} - speedscope`, `speedscope did not import ${c.file} (title ${JSON.stringify(opened.title)}): ${opened.problems.join(' | ')}`);
        assert.deepStrictEqual(opened.problems.filter(p => !p.startsWith('console:')), []);
        if (c.firstProfile !== undefined) {
          // The toolbar names the profile shown and, with several, its place: `NAME (1/N)`.
          const shown = c.profiles! > 1 ? `${c.firstProfile} (1/${c.profiles})` : c.firstProfile;
          await page.waitForFunction(s => document.body.innerText.includes(s), shown, { timeout: 10_000 })
            .catch(() => assert.fail(`speedscope does not show ${JSON.stringify(shown)}; it shows: ${text.slice(0, 300)}`));
        }
        if (c.name === 'cprofile-derived') assert.ok(c.title.includes(DERIVED_PROFILE_NOTE));
        // The flame graph is drawn (speedscope draws with WebGL, which a 2D canvas cannot read back: count the
        // colours of a screenshot below the toolbar instead).
        const shot = await page.screenshot();
        const canvasColours = await page.evaluate(async b64 => {
          const img = new Image();
          img.src = `data:image/png;base64,${b64}`;
          await img.decode();
          const probe = document.createElement('canvas');
          probe.width = img.width;
          probe.height = img.height;
          const ctx = probe.getContext('2d')!;
          ctx.drawImage(img, 0, 0);
          const pixels = ctx.getImageData(0, 40, img.width, img.height - 40).data;
          const seen = new Set<number>();
          for (let i = 0; i < pixels.length; i += 16) seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
          return seen.size;
        }, shot.toString('base64'));
        assert.ok(canvasColours > 8, `speedscope's view has ${canvasColours} colour(s): no flame graph drawn`);
        fs.mkdirSync(path.join(resultsDir, 'screenshots'), { recursive: true });
        await page.screenshot({ path: path.join(resultsDir, 'screenshots', `webview-speedscope-${c.name}.png`) });
        counts.passed++;
        console.log(`  ✓ speedscope opens ${c.file} (${Date.now() - t0} ms)`);
      } catch (e) {
        counts.failed++;
        counts.failures!.push(failureLine(`speedscope opens ${c.file}`, e));
        console.error(`  ✗ speedscope opens ${c.file}\n    ${e instanceof Error ? e.message : e}`);
        if (opened) {
          await opened.page.screenshot({ path: path.join(resultsDir, 'screenshots', `webview-speedscope-failure-${c.name}.png`) }).catch(() => undefined);
          for (const p of opened.problems.slice(-5)) console.error(`    ${p}`);
        }
      } finally {
        await opened?.page.close().catch(() => undefined);
      }
    }
  } finally {
    await browser.close();
    await served.close();
  }
  return counts;
}

if (require.main === module) {
  runSuiteAsMain('webview-speedscope', 'Pyrometer exports in speedscope itself (Chromium)', runSpeedscopeBrowserTests);
}
