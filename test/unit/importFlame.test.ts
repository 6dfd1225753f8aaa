import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FlameGraphSource, layoutFromPane } from '../../src/core/flameLayout';
import { descendants, flameInputOfImports, parseImportTime } from '../../src/core/importTime';
import { REPO_ROOT } from '../support/pythonForTests';

describe('import flame graph (FlameGraphSource over an import tree)', () => {
  const tree = parseImportTime(fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'importtime', 'asyncio-3.12.txt'), 'utf8'));
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

  it('lays the tree out in seconds of self time, with import frames that do not link to source', () => {
    const data = new FlameGraphSource(flameInputOfImports(tree), 'import asyncio').data();
    assert.strictEqual(data.source, 'importtime');
    assert.strictEqual(data.unit, 'seconds');
    assert.strictEqual(data.derivedFromCallGraph, false);
    assert.strictEqual(data.canMergeByLine, false);
    assert.deepStrictEqual(data.threads, []);
    assert.strictEqual(data.label, 'import asyncio');
    assert.strictEqual(data.panes.length, 1);
    const pane = data.panes[0];
    const layout = layoutFromPane(pane);

    let roots = 0;
    for (let i = 0; i < layout.count; i++) if (layout.parent[i] < 0) roots += layout.width[i];
    close(roots, tree.totalSelfUs / 1e6, 'root widths');
    close(data.totalWeight, tree.totalSelfUs / 1e6, 'totalWeight');

    const asyncio = tree.nodes.find(n => n.module === 'asyncio' && n.parent < 0);
    assert.ok(asyncio, 'asyncio is a root');
    const subtreeSelfUs = [asyncio.index, ...descendants(tree, asyncio.index)].reduce((s, n) => s + tree.nodes[n].selfUs, 0);
    const boxes = [...Array(layout.count).keys()].filter(i => layout.parent[i] < 0 && data.frames[layout.frame[i]].name === 'asyncio');
    assert.strictEqual(boxes.length, 1);
    close(layout.width[boxes[0]], subtreeSelfUs / 1e6, 'asyncio width');

    assert.ok(data.frames.length > 100);
    for (const f of data.frames) {
      assert.strictEqual(f.kind, 'import');
      assert.strictEqual(f.linkable, false);
    }
  });

  it('ignores merge-by-line and threads in the request, and still answers inverted and sandwich views', () => {
    const source = new FlameGraphSource(flameInputOfImports(tree));
    const data = source.data({ mergeByLine: true, thread: 3, view: 'inverted' });
    assert.deepStrictEqual({ mergeByLine: data.request.mergeByLine, thread: data.request.thread, view: data.request.view }, { mergeByLine: false, thread: -1, view: 'inverted' });
    assert.strictEqual(data.panes[0].line, undefined);
    close(layoutFromPane(data.panes[0]).totalWeight, tree.totalSelfUs / 1e6, 'inverted total');
    const frame = tree.nodes.findIndex(n => n.module === 'asyncio');
    const sandwich = source.data({ view: 'sandwich', sandwichFrame: frame });
    assert.deepStrictEqual(sandwich.panes.map(p => p.role), ['callers', 'callees']);
  });
});
