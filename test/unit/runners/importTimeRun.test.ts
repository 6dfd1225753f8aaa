import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { descendants, splitStartup, topLevelImport } from '../../../src/core/importTime';
import { importTimeArgv, runImportTime, startupBreakdown } from '../../../src/runners/importTime';
import { REPO_ROOT, testPython, WORKLOADS } from '../../support/pythonForTests';

describe('importtime runner: the real interpreter', function () {
  this.timeout(60000);
  const python = testPython();

  it('imports.py: the tree of its imports, the deferred one last; stdout forwarded, import lines not', async () => {
    let out = '';
    let err = '';
    const r = await runImportTime({ python, target: { kind: 'script', script: path.join(WORKLOADS, 'imports.py') }, cwd: WORKLOADS, timeoutMs: 30000 },
      { onStdout: t => { out += t; }, onStderr: t => { err += t; } });
    assert.deepStrictEqual([r.process.end, r.process.exitCode, r.complete, r.parseError], ['exited', 0, true, undefined]);
    assert.deepStrictEqual(r.argv, [python, '-X', 'importtime', path.join(WORKLOADS, 'imports.py')]);
    assert.strictEqual(out, 'a\n');
    assert.strictEqual(err, '');
    const tree = r.tree!;
    assert.strictEqual(tree.headers, 1);
    assert.strictEqual(tree.irregularNesting, 0);
    const split = splitStartup(tree);
    const app = split.applicationRoots.map(i => tree.nodes[i].module);
    // The script's own imports, in its order, then what lazy_xml() imports while it runs.
    const order = ['json', 'asyncio', 'email.mime.multipart', 'decimal', 'http.client', 'xml.dom.minidom'];
    const positions = order.map(m => app.indexOf(m));
    assert.ok(positions.every(p => p >= 0), `application roots: ${app.join(' ')}`);
    assert.deepStrictEqual([...positions].sort((a, b) => a - b), positions, 'in import order');
    const asyncio = topLevelImport(tree, 'asyncio')!;
    assert.ok(asyncio.isRoot && asyncio.cumulativeUs > 0);
    assert.ok(asyncio.modules.some(m => m.module === 'asyncio.base_events'));
    const email = topLevelImport(tree, 'email.mime.multipart')!;
    assert.ok(email.modules.some(m => m.module === 'email'), 'a dotted import includes its parent packages');
    assert.strictEqual(split.startupUs + split.applicationUs, tree.topLevelCumulativeUs);
    assert.ok(r.log.startsWith('import time: self [us] | cumulative | imported package\n'));
    assert.ok(r.wallMs > 0);
  });

  it('-c "import json": json is the last root and holds its submodules', async () => {
    const r = await runImportTime({ python, target: { kind: 'module', module: 'json' }, cwd: os.tmpdir(), timeoutMs: 30000 });
    assert.deepStrictEqual(r.argv.slice(1), ['-X', 'importtime', '-c', 'import json']);
    assert.ok(r.complete);
    const tree = r.tree!;
    const last = tree.nodes[tree.roots[tree.roots.length - 1]];
    assert.strictEqual(last.module, 'json');
    const subs = descendants(tree, last.index).map(i => tree.nodes[i].module);
    assert.ok(subs.includes('json.decoder') && subs.includes('json.encoder'), subs.join(' '));
    assert.deepStrictEqual(splitStartup(tree).applicationRoots, [last.index]);
  });

  it('the script\'s own stderr is forwarded, interleaved import lines are not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrometer-importtime-'));
    try {
      const script = path.join(dir, 'interleaved.py');
      fs.copyFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'importtime', 'interleaved.py.txt'), script);
      let err = '';
      const r = await runImportTime({ python, target: { kind: 'script', script }, cwd: dir, timeoutMs: 30000 }, { onStderr: t => { err += t; } });
      assert.strictEqual(err, 'script: before imports\npartial line, no newline: script: after json\n' +
        'script: import time: this is not an import line | 1 | 2\nscript: done\n');
      const roots = r.tree!.roots.map(i => r.tree!.nodes[i].module);
      assert.deepStrictEqual(roots.slice(roots.indexOf('site') + 1), ['json', 'no_such_module_pyrometer', 'decimal']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cancel and timeout: the process tree goes, the tree is partial and says so', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = runImportTime({ python, target: { kind: 'code', code: 'import json, time; time.sleep(60)' }, cwd: os.tmpdir(), timeoutMs: 0 },
      { signal: controller.signal });
    setTimeout(() => controller.abort(), 1500);
    const cancelled = await pending;
    assert.strictEqual(cancelled.process.end, 'cancelled');
    assert.strictEqual(cancelled.complete, false);
    assert.ok(cancelled.tree && cancelled.tree.nodes.some(n => n.module === 'json'), 'what was printed before the cancel is kept');
    assert.ok(Date.now() - started < 10000);
    const timedOut = await runImportTime({ python, target: { kind: 'code', code: 'import time; time.sleep(60)' }, cwd: os.tmpdir(), timeoutMs: 1000 });
    assert.deepStrictEqual([timedOut.process.end, timedOut.complete], ['timedOut', false]);
  });

  it('failures: a missing interpreter, a module name that is not one', async () => {
    const r = await runImportTime({ python: '/nonexistent/python3', target: { kind: 'module', module: 'json' }, cwd: os.tmpdir(), timeoutMs: 5000 });
    assert.deepStrictEqual([r.process.end, r.tree, r.complete], ['failedToStart', null, false]);
    assert.match(r.parseError!, /did not start/);
    for (const bad of ['os; import shutil', 'json\nimport os', '', 'a..b', '1abc']) {
      assert.throws(() => importTimeArgv({ kind: 'module', module: bad }), /Not a module name/);
    }
    assert.deepStrictEqual(importTimeArgv({ kind: 'module', module: 'email.mime.multipart' }, ['-S']), ['-S', '-X', 'importtime', '-c', 'import email.mime.multipart']);
  });

  it('startupBreakdown: -S has no site, the default run has; the figures add up', async () => {
    const app = (await runImportTime({ python, target: { kind: 'module', module: 'json' }, cwd: os.tmpdir(), timeoutMs: 30000 })).tree!;
    const b = await startupBreakdown(python, { repeat: 2, application: app });
    assert.deepStrictEqual(b.noSite.argv.slice(1), ['-S', '-X', 'importtime', '-c', 'pass']);
    assert.deepStrictEqual(b.withSite.argv.slice(1), ['-X', 'importtime', '-c', 'pass']);
    assert.ok(!b.noSite.tree.nodes.some(n => n.module === 'site'));
    const site = b.withSite.tree.nodes.find(n => n.module === 'site' && n.depth === 0)!;
    assert.strictEqual(b.siteImportsUs, site.cumulativeUs);
    assert.ok(b.interpreterImportsUs > 0);
    assert.strictEqual(b.interpreterImportsUs, b.noSite.tree.topLevelCumulativeUs);
    assert.strictEqual(b.noSite.wallMsRuns.length, 2);
    assert.strictEqual(b.noSite.wallMs, Math.min(...b.noSite.wallMsRuns));
    assert.ok(b.noSite.wallMs > b.noSite.topLevelUs / 1000, 'the process takes longer than its imports');
    assert.ok(b.interpreterOtherMs > 0);
    assert.strictEqual(b.applicationImportsUs, topLevelImport(app, 'json')!.cumulativeUs);
  });
});
