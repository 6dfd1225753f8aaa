// The first user story end to end: profile calls.py from the Explorer and read the answer in CodeLens,
// checked against the run's own pstats file.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { E2ETest } from './workbench';

const LENS = /cum (\d+\.\d{3})s \| own (\d+\.\d{3})s \| ([\d,]+(?:\/[\d,]+)?) calls/;

/** The newest <user-data>/User/workspaceStorage/<id>/pyrometer.pyrometer/runs/<run>/profile.prof written since `since`. */
function newestProfile(userDataDir: string, since: number): string {
  const storage = path.join(userDataDir, 'User', 'workspaceStorage');
  const found: { file: string; mtime: number }[] = [];
  for (const ws of fs.existsSync(storage) ? fs.readdirSync(storage) : []) {
    const runs = path.join(storage, ws, 'pyrometer.pyrometer', 'runs');
    if (!fs.existsSync(runs)) continue;
    for (const run of fs.readdirSync(runs)) {
      const file = path.join(runs, run, 'profile.prof');
      if (fs.existsSync(file)) found.push({ file, mtime: fs.statSync(file).mtimeMs });
    }
  }
  const fresh = found.filter((f) => f.mtime >= since).sort((a, b) => b.mtime - a.mtime);
  assert.ok(fresh.length > 0,
    `no profile.prof written since the test started under ${storage}/*/pyrometer.pyrometer/runs/*/ ` +
    `(found: ${found.map((f) => f.file).join(', ') || 'none'})`);
  return fresh[0].file;
}

interface PstatsEntry { file: string; line: number; cc: number; nc: number; tt: string; ct: string }

/** pstats' own view of `name` in `fileName`, seconds formatted by Python with %.3f as pstats prints them. */
function pstatsEntries(prof: string, name: string, fileName: string): PstatsEntry[] {
  const code = [
    'import json, os, pstats, sys',
    'prof, name, base = sys.argv[1:4]',
    'out = [{"file": f, "line": l, "cc": cc, "nc": nc, "tt": "%.3f" % tt, "ct": "%.3f" % ct}',
    '       for (f, l, n), (cc, nc, tt, ct, _) in pstats.Stats(prof).stats.items()',
    '       if n == name and os.path.basename(f) == base]',
    'print(json.dumps(out))',
  ].join('\n');
  const python = process.env.PYROMETER_E2E_PYTHON || 'python3';
  const r = spawnSync(python, ['-c', code, prof, name, fileName], { encoding: 'utf8', timeout: 60_000 });
  assert.strictEqual(r.status, 0, `pstats could not read ${prof}: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as PstatsEntry[];
}

const thousands = (n: number): string => n.toLocaleString('en-US');

export const tests: E2ETest[] = [
  {
    name: "right-clicking calls.py → Profile this script shows inc's CodeLens equal to pstats",
    timeoutMs: 240_000,
    async run(ctx) {
      const started = Date.now() - 2_000; // mtime granularity / clock slack
      const wb = await ctx.openWorkbench();
      await wb.openFile('calls.py'); // the lenses show in this editor
      await wb.explorerContextMenu('calls.py', 'Profile this script (cProfile)');
      ctx.log('profiling calls.py');

      await wb.waitForCodeLens('3,000,000 calls', 120_000);
      let lens = await wb.codeLensAbove('def inc');
      for (let i = 0; i < 20 && !lens?.includes('3,000,000 calls'); i++) { // lenses may still be laying out
        await wb.page.waitForTimeout(500);
        lens = await wb.codeLensAbove('def inc');
      }
      ctx.log('lens above def inc:', lens);
      ctx.log('all lenses:', await wb.codeLensTexts());
      await wb.screenshot('profile-calls-inc-codelens');
      assert.ok(lens, 'no CodeLens above `def inc`');
      assert.match(lens, /3,000,000 calls/, 'the 3,000,000-calls lens is not the one on `def inc`');
      const m = LENS.exec(lens);
      assert.ok(m, `lens text "${lens}" is not "cum X.XXXs | own X.XXXs | N calls | …"`);
      const [, cum, own, calls] = m;

      const prof = newestProfile(ctx.env.userDataDir, started);
      ctx.log('pstats file:', prof);
      const entries = pstatsEntries(prof, 'inc', 'calls.py');
      assert.strictEqual(entries.length, 1, `expected one pstats entry for inc, got ${JSON.stringify(entries)}`);
      const inc = entries[0];
      ctx.log('pstats inc:', JSON.stringify(inc));
      const expectedCalls = inc.cc === inc.nc ? thousands(inc.nc) : `${thousands(inc.nc)}/${thousands(inc.cc)}`;
      assert.deepStrictEqual({ cum, own, calls }, { cum: inc.ct, own: inc.tt, calls: expectedCalls });
    },
  },
];
