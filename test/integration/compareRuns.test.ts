import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import * as vscode from 'vscode';
import type { CompareOutcome } from '../../src/extension/compareCommand';
import type { RunDetailsOutcome } from '../../src/extension/runDetailsCommand';
import { compareScript } from '../support/sampleScripts';
import { lensTitles, profile, writeScript } from './workspaceFixtures';


/** pstats' cumulative seconds of a function of a .prof. */
function cumtime(prof: string, name: string): number {
  const code = 'import pstats, sys\nprint(repr([v[3] for k, v in pstats.Stats(sys.argv[1]).stats.items() if k[2] == sys.argv[2]][0]))';
  return Number(execFileSync('python3', ['-c', code, prof, name]).toString().trim());
}

describe('Compare with baseline, in the real editor', function () {
  this.timeout(240000);
  let script: string;
  let baseline: { runId: string; prof: string };
  let current: { runId: string; prof: string };
  let outcome: CompareOutcome;

  before(async () => {
    script = await writeScript('compare/work.py', compareScript(600_000, ''));
    const first = await profile(script);
    assert.ok(first?.runId && first.profPath, first?.verdict.message);
    baseline = { runId: first!.runId!, prof: first!.profPath! };
    // The change: a third of the work, and every def moved three lines down.
    await fs.writeFile(script, compareScript(200_000, '# moved\n# down\n# three lines\n'));
    const second = await profile(script);
    assert.ok(second?.runId && second.profPath, second?.verdict.message);
    current = { runId: second!.runId!, prof: second!.profPath! };
    outcome = (await vscode.commands.executeCommand<CompareOutcome>('pyrometer.compareWithBaseline', undefined,
      { baselineRunId: baseline.runId, runId: current.runId }))!;
  });

  after(() => vscode.commands.executeCommand('pyrometer.clearComparison'));

  it('compares the two cProfile runs and writes the deltas table', () => {
    assert.ok('kind' in outcome, JSON.stringify(outcome));
    if (!('kind' in outcome)) return;
    assert.strictEqual(outcome.kind, 'cProfile');
    assert.match(outcome.markdown, /\| work \| work\\\.py:5→8 \|/);
  });

  it("puts on def work a delta CodeLens equal to pstats' cumulative times of the two runs", async () => {
    const before = cumtime(baseline.prof, 'work');
    const after = cumtime(current.prof, 'work');
    const percent = Math.round(((after - before) / before) * 100);
    const sign = percent < 0 ? '\u2212' : percent > 0 ? '+' : '\u00b1';
    const expected = `cum ${sign}${Math.abs(percent)}% vs baseline (was ${before.toFixed(3)} s)`;
    let titles: string[] = [];
    for (let i = 0; i < 30 && !titles.some(t => t.endsWith('vs baseline' + expected.split('vs baseline')[1])); i++) {
      titles = (await lensTitles(script)).filter(l => l.line === 7).map(l => l.title);
      await new Promise(r => setTimeout(r, 100));
    }
    assert.ok(titles.includes(expected), `expected "${expected}" on def work; lenses there: ${JSON.stringify(titles)}`);
    // A sanity check of direction, not a timing: a third of the calls is about −67%, but the two runs are timed on
    // a shared machine (runs at −40% and, in the unit suite's twin, −29% were seen); the exact check is the one above.
    assert.ok(percent < -10, `work did a third of the calls but changed by ${percent}%`);
  });

  it('shows the run details of the compared run: interpreter, machine, command line, git', async () => {
    const details = (await vscode.commands.executeCommand<RunDetailsOutcome>('pyrometer.showRunDetails', current.runId))!;
    assert.ok('markdown' in details, JSON.stringify(details));
    if (!('markdown' in details)) return;
    const version = execFileSync('python3', ['-c', 'import platform; print(platform.python_version())']).toString().trim();
    assert.match(details.markdown, new RegExp(`\\| Python \\| CPython ${version.replace(/\./g, '\\\\\\.')} `));
    assert.match(details.markdown, /\| Command line \| `\S*python\S* \S*work\.py` \|/);
    assert.match(details.markdown, /\| CPU \| (?!unknown)/);
  });
});
