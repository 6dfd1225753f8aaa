import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CallGraph } from '../../src/core/callGraph';
import { annotateFile, heatLevel } from '../../src/core/lineAnnotations';
import type { Profile } from '../../src/core/profileModel';
import { pstatsSeconds } from '../../src/core/pstatsNumbers';
import { loadCProfileResult, runCProfile } from '../../src/runners/cprofile';
import { RUNNER_ROOT, testPython, WORKLOADS } from '../support/pythonForTests';

describe('placing a real profile on the lines of calls.py', function () {
  this.timeout(120000);
  let dir: string;
  let graph: CallGraph;
  let profile: Profile;
  let text: string;
  const file = path.join(WORKLOADS, 'calls.py');

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-lines-'));
    const outcome = await runCProfile({ python: testPython(), runnerRoot: RUNNER_ROOT, target: { kind: 'script', script: file }, args: [], cwd: WORKLOADS, runDir: dir, timeoutMs: 110000 });
    assert.ok(outcome.hasResult, outcome.process.stderrTail);
    profile = await loadCProfileResult(outcome.resultPath);
    graph = new CallGraph(profile);
    text = await fs.readFile(file, 'utf8');
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('annotates each def with its CodeLens and the module on line 1', () => {
    const defs = annotateFile(graph, file, text).filter(a => a.kind === 'def');
    assert.deepStrictEqual(defs.map(a => a.line), [0, 3, 7, 14]);
    assert.match(defs.find(a => a.line === 3)!.lensText!, /3,000,000 calls/);
    assert.match(defs.find(a => a.line === 0)!.lensText!, /^module: /);
  });

  it('names the def whose lens shares the first line with the module\'s', () => {
    const firstLineDef = text.slice(text.indexOf('def inc('));
    const lenses = annotateFile(graph, file, firstLineDef).filter(a => a.kind === 'def' && a.line === 0).map(a => a.lensText);
    assert.strictEqual(lenses.length, 2, JSON.stringify(lenses));
    assert.ok(lenses.some(l => /^inc: cum [\d.]+s \| own [\d.]+s \| 3,000,000 calls/.test(l!)), JSON.stringify(lenses));
    assert.ok(lenses.some(l => /^module: cum /.test(l!)), JSON.stringify(lenses));
    // elsewhere a def's lens is not named
    assert.match(annotateFile(graph, file, text).find(a => a.line === 3)!.lensText!, /^cum /);
  });

  it('decorates the costly call sites: inc in work, work in main, main at module level', () => {
    const sites = annotateFile(graph, file, text).filter(a => a.kind === 'callSite').map(a => [a.line, profile.frames[a.frameIndex].name]);
    assert.deepStrictEqual(sites, [[10, 'inc'], [16, 'work'], [20, 'main']]);
  });

  it('call-site text carries the edge figures pstats records for that caller', () => {
    const site = annotateFile(graph, file, text).find(a => a.kind === 'callSite' && a.line === 10)!;
    const inc = profile.functions.find(f => f.frameIndex === site.frameIndex)!;
    const edge = inc.callers.find(c => profile.frames[c.callerIndex].name === 'work')!;
    assert.ok(site.afterText.includes(`cum ${pstatsSeconds(edge.cumulativeSeconds)}s over 3,000,000 calls`), site.afterText);
  });

  it('follows the defs when lines are inserted above them', () => {
    const edited = '# a\n# b\n' + text;
    const defs = annotateFile(graph, file, edited).filter(a => a.kind === 'def' && a.line > 0);
    assert.deepStrictEqual(defs.map(a => a.line), [5, 9, 16]);
  });

  it('drops a function whose def was deleted instead of misplacing it', () => {
    const edited = text.replace('def inc(x):\n    return x + 1\n', '');
    const names = annotateFile(graph, file, edited).filter(a => a.kind === 'def').map(a => profile.frames[a.frameIndex].name);
    assert.ok(!names.includes('inc'));
  });

  it('annotates nothing in a file the profile did not cover', () => {
    assert.deepStrictEqual(annotateFile(graph, path.join(WORKLOADS, 'other.py'), text), []);
  });

  it('scales heat to the run: the hottest own time is the top level', () => {
    const defs = annotateFile(graph, file, text).filter(a => a.kind === 'def' && a.line > 0);
    assert.strictEqual(Math.max(...defs.map(a => heatLevel(a.heat))), 4);
  });
});
