/**
 * Pyrometer's readers against speedscope's own importer (issue 11), on the big files of profileFiles.bench.ts: the
 * 1,000,000-sample collapsed file and the ~100 MB speedscope file, both seeded. speedscope's importer ships only in
 * its browser app (the `speedscope` npm package), so it runs where it was built to: speedscope opened in Debian's
 * Chromium on each file served from localhost, timed by speedscope itself (its `console.time('import')` around
 * fetching the file, reading it as text, importing and demangling). Pyrometer's side reads the file from disk and
 * parses it into its model, in Node: both sides pay for getting the bytes and for turning them into a profile; both
 * run in V8, not the same version (Node's and Chromium's). Not a test: nothing here asserts a time.
 *
 *   npm run build && npm run compile-tests && node --max-old-space-size=8000 out/bench/speedscopeImporter.bench.js
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCollapsedStacks } from '../src/core/collapsedStacks';
import { parseSpeedscope } from '../src/core/speedscope';
import { launchSpeedscopeChromium, openInSpeedscope, serveSpeedscope } from '../test/harness/speedscopeApp';
import { megabytes, writeBigSampledFiles } from './sampledFiles';
import { median, medianMs } from './timing';

const ROUNDS = 3;
/** speedscope on a 100 MB file takes seconds, or never finishes: past this it is reported as not finished. */
const SPEEDSCOPE_LIMIT_MS = 180_000;

interface Case {
  readonly label: string;
  /** The name speedscope fetches: its importers look at the extension. */
  readonly served: string;
  readonly file: string;
  /** speedscope's window title once imported: the name inside the file, or the file's name. */
  readonly title: string;
  readonly ours: () => unknown;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pyrometer-bench-speedscope-'));
  try {
    const { collapsed, speedscope } = writeBigSampledFiles(dir);
    const cases: Case[] = [
      { label: `py-spy collapsed, 1,000,000 samples (${megabytes(collapsed)} MB)`, served: 'big.collapsedstack.txt', file: collapsed,
        title: 'big.collapsedstack.txt', ours: () => parseCollapsedStacks(readFileSync(collapsed)) },
      { label: `speedscope JSON (${megabytes(speedscope)} MB)`, served: 'big.speedscope.json', file: speedscope,
        title: 'synthetic', ours: () => parseSpeedscope(readFileSync(speedscope, 'utf8')) },
    ];
    const served = await serveSpeedscope(new Map(cases.map(c => [c.served, readFileSync(c.file)])));
    const browser = await launchSpeedscopeChromium();
    const chromiumVersion = browser.version();
    const rows: string[] = [];
    try {
      for (const c of cases) {
        const speedscopeMs: number[] = [];
        let problem = '';
        for (let round = 0; round < ROUNDS && !problem; round++) {
          const opened = await openInSpeedscope(browser, served.origin, c.served, c.title, SPEEDSCOPE_LIMIT_MS);
          if (opened.title !== `${c.title} - speedscope` || opened.importMs === undefined) {
            problem = `speedscope did not finish within ${SPEEDSCOPE_LIMIT_MS / 1000} s (title ${JSON.stringify(opened.title)}${opened.problems.length ? `; ${opened.problems.slice(-2).join(' | ')}` : ''})`;
          } else {
            speedscopeMs.push(opened.importMs);
          }
          await opened.page.close().catch(() => undefined);
        }
        const oursMs = medianMs(ROUNDS, c.ours);
        const theirs = speedscopeMs.length > 0 ? median(speedscopeMs) : NaN;
        rows.push(problem
          ? `| ${c.label} | ${problem} | ${oursMs.toFixed(0)} | — |`
          : `| ${c.label} | ${theirs.toFixed(0)} (${speedscopeMs.map(ms => ms.toFixed(0)).join(', ')}) | ${oursMs.toFixed(0)} | ${(oursMs / theirs).toFixed(2)}× |`);
      }
    } finally {
      await browser.close();
      await served.close();
    }
    console.log(`Pyrometer's readers against speedscope's importer — ${new Date().toISOString()}`);
    console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; ` +
      `speedscope ${readFileSync(path.join(__dirname, '..', '..', 'node_modules', 'speedscope', 'package.json'), 'utf8').match(/"version": "([^"]+)"/)?.[1]} ` +
      `in Chromium ${chromiumVersion}; Pyrometer in node ${process.version}; median of ${ROUNDS}`);
    console.log('');
    console.log('| file | speedscope: fetch + import (ms, each run) | Pyrometer: read + parse + model (ms) | Pyrometer ÷ speedscope |');
    console.log('|---|---:|---:|---:|');
    for (const r of rows) console.log(r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
