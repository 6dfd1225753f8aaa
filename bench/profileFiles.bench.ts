/**
 * Opening big sampled profile files (issue 11): a py-spy collapsed file of 1,000,000 samples over 200,000 unique
 * stacks and a ~100 MB speedscope file, both seeded. Floors measured in the same run: reading the file and
 * splitting its lines (collapsed) / reading it and JSON.parse (speedscope) — what any reader pays. Not a test:
 * nothing here asserts a time.
 *
 *   npm run build && npx tsc -p . && node out/bench/profileFiles.bench.js
 *
 * speedscope's own importer, which runs only in a browser, is timed on the same files by speedscopeImporter.bench.ts.
 */
import { readFileSync, mkdtempSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCollapsedStacks } from '../src/core/collapsedStacks';
import { parseSpeedscope } from '../src/core/speedscope';
import { megabytes, writeBigSampledFiles } from './sampledFiles';
import { readCollapsedFile } from '../src/runners/collapsedFileRead';
import { pairedMediansMsAsync } from './timing';

interface Row { readonly case: string; readonly floorMs: number; readonly oursMs: number }

/**
 * `ours` reads the file the way Pyrometer's server does (collapsed stacks as bytes straight into the reader's
 * WebAssembly memory, speedscope as text); the floor as text.
 */
async function bench(file: string, label: string, floor: (text: string) => unknown, ours: () => unknown): Promise<Row> {
  const { floorMs, oursMs } = await pairedMediansMsAsync(5, () => floor(readFileSync(file, 'utf8')), async () => ours());
  return { case: label, floorMs, oursMs };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pyrometer-bench-files-'));
  try {
    const { collapsed: collapsedPath, speedscope: speedscopePath } = writeBigSampledFiles(dir);
    const check = parseCollapsedStacks(readFileSync(collapsedPath));
    const rows = [
      await bench(collapsedPath, `py-spy collapsed, ${check.stacks!.totalWeight.toLocaleString('en-US')} samples over ` +
        `${check.stacks!.stacks.length.toLocaleString('en-US')} stacks (${megabytes(collapsedPath)} MB): read + parse + model vs read + split lines`,
      text => text.split('\n'), async () => parseCollapsedStacks(await readCollapsedFile(collapsedPath))),
      await bench(speedscopePath, `speedscope JSON (${megabytes(speedscopePath)} MB): read + parse + model vs read + JSON.parse`,
        text => JSON.parse(text), () => parseSpeedscope(readFileSync(speedscopePath, 'utf8'))),
    ];
    console.log(`Profile file parsing — ${new Date().toISOString()}`);
    console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; node ${process.version}; median of 5, floor and Pyrometer alternated`);
    console.log('');
    console.log('| case | floor (ms) | Pyrometer (ms) | ratio |');
    console.log('|---|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.case} | ${r.floorMs.toFixed(0)} | ${r.oursMs.toFixed(0)} | ${(r.oursMs / r.floorMs).toFixed(2)}× |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
