import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildCallTree, CALL_TREE_ROOT } from '../../src/core/callTree';
import {
  descendants, ImportTree, importsByTopLevel, importTreeStacks, isImportTimeLine, parseImportTime, splitStartup, topLevelImport,
} from '../../src/core/importTime';
import { ProfileFormatError } from '../../src/core/profileErrors';
import { ImportTimeStderrSplitter } from '../../src/runners/importTime';
import { pythonJson, REPO_ROOT, testPython } from '../support/pythonForTests';

export const IMPORTTIME_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'importtime');
const fixturePath = (name: string): string => path.join(IMPORTTIME_FIXTURES, name);
const fixture = (name: string): string => fs.readFileSync(fixturePath(name), 'utf8');

/** The reference for numbers: each import line cut at '|', read with Number(), the indentation counted by hand. */
interface RefLine { lineNo: number; self: number; cum: number; depth: number; module: string }
function refLines(text: string): RefLine[] {
  const out: RefLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const at = line.indexOf('import time:');
    if (at < 0) return;
    const cells = line.slice(at + 'import time:'.length).split('|');
    if (cells.length !== 3 || !/^\s*\d+\s*$/.test(cells[0])) return;
    const nameCell = cells[2];
    const module = nameCell.trim();
    const spaces = nameCell.length - nameCell.trimStart().length; // one after '|', then 2 per level
    out.push({ lineNo: i + 1, self: Number(cells[0]), cum: Number(cells[1]), depth: (spaces - 1) / 2, module });
  });
  return out;
}

/** An independent nesting: in post-order, a line's parent is the first later line printed less deep. In Python. */
const PY_REFERENCE = String.raw`
import json, re, sys
path = json.loads(sys.argv[1])["path"]
rows = []
for raw in open(path, encoding="utf-8").read().splitlines():
    m = re.search(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)$", raw)
    if m:
        rows.append((m.group(4), len(m.group(3)) // 2))
parents = []
for i, (name, depth) in enumerate(rows):
    parent = -1
    for j in range(i + 1, len(rows)):
        if rows[j][1] < depth:
            parent = j
            break
    parents.append(parent)
print(json.dumps({"modules": [r[0] for r in rows], "parents": parents}))
`;

const node = (tree: ImportTree, module: string) => {
  const found = tree.nodes.filter(n => n.module === module);
  assert.strictEqual(found.length, 1, `nodes named ${module}`);
  return found[0];
};

/** Modules in sys.modules that -X importtime never prints: set up by the runtime, aliases, or pseudo-modules. */
const NEVER_PRINTED = new Set(['__main__', '_frozen_importlib', '_imp', '_thread', '_warnings', '_weakref', 'builtins', 'sys',
  'importlib._bootstrap', 'importlib._bootstrap_external', 'os.path', 'typing.io', 'typing.re']);

describe('-X importtime: real outputs of `import asyncio`', function () {
  this.timeout(20000);
  for (const version of ['3.8', '3.12']) {
    describe(`Python ${version}`, () => {
      const text = fixture(`asyncio-${version}.txt`);
      const tree = parseImportTime(text);
      const ref = refLines(text);

      it('every number, name and depth equals the line it came from', () => {
        assert.ok(ref.length > 100, `${ref.length} import lines`);
        assert.strictEqual(tree.nodes.length, ref.length);
        tree.nodes.forEach((n, i) => {
          const r = ref[i];
          assert.deepStrictEqual([n.index, n.line, n.module, n.selfUs, n.cumulativeUs, n.depth], [i, r.lineNo, r.module, r.self, r.cum, r.depth]);
          assert.ok(Number.isInteger(n.selfUs) && Number.isInteger(n.cumulativeUs));
        });
        assert.strictEqual(tree.headers, 1);
        assert.strictEqual(tree.ignoredLines, 0);
        assert.strictEqual(tree.irregularNesting, 0);
        assert.strictEqual(tree.lastLineUnterminated, false);
      });

      it('the nesting equals an independent reference (parent = first later line printed less deep)', () => {
        const py = pythonJson<{ modules: string[]; parents: number[] }>(testPython(), PY_REFERENCE, { path: fixturePath(`asyncio-${version}.txt`) });
        assert.deepStrictEqual(tree.nodes.map(n => n.module), py.modules);
        assert.deepStrictEqual(tree.nodes.map(n => n.parent), py.parents);
        for (const n of tree.nodes) {
          // children in import (= printed) order, and each child knows its parent
          assert.deepStrictEqual(n.children, tree.nodes.filter(c => c.parent === n.index).map(c => c.index));
          if (n.parent >= 0) assert.strictEqual(n.depth, tree.nodes[n.parent].depth + 1);
        }
        assert.deepStrictEqual(tree.roots, tree.nodes.filter(n => n.depth === 0).map(n => n.index));
      });

      it('known relations hold', () => {
        const parentOf = (m: string) => { const p = node(tree, m).parent; return p < 0 ? null : tree.nodes[p].module; };
        assert.strictEqual(parentOf('asyncio'), null);
        assert.strictEqual(parentOf('asyncio.base_events'), 'asyncio');
        assert.strictEqual(parentOf('asyncio.unix_events'), 'asyncio');
        assert.strictEqual(parentOf('_io'), '_frozen_importlib_external');
        assert.strictEqual(parentOf('site'), null);
        assert.strictEqual(tree.nodes[tree.roots[0]].module, '_frozen_importlib_external');
        assert.strictEqual(tree.nodes[tree.nodes.length - 1].module, 'asyncio');
        // Start order: a parent starts before its children; it is a permutation.
        assert.deepStrictEqual(tree.nodes.map(n => n.startOrder).sort((a, b) => a - b), tree.nodes.map((_, i) => i));
        for (const n of tree.nodes) if (n.parent >= 0) assert.ok(tree.nodes[n.parent].startOrder < n.startOrder);
        assert.ok(node(tree, 'asyncio').startOrder < node(tree, 'asyncio.base_events').startOrder);
      });

      it('names exactly the modules sys.modules holds afterwards, plus the failed imports (as leaves)', () => {
        const modules = new Set(fixture(`asyncio-${version}.modules.txt`).split('\n').filter(Boolean));
        const printed = new Set(tree.nodes.map(n => n.module));
        assert.strictEqual(printed.size, tree.nodes.length, 'each module printed once');
        const missing = [...modules].filter(m => !printed.has(m) && !NEVER_PRINTED.has(m));
        assert.deepStrictEqual(missing, []);
        const failed = tree.nodes.filter(n => !modules.has(n.module));
        assert.ok(failed.length <= 6, failed.map(n => n.module).join(' '));
        for (const n of failed) assert.deepStrictEqual(n.children, [], `${n.module} failed to import, so it imported nothing`);
      });

      it('cumulative = self + children within CPython rounding; top-level sum equals the printed sum', () => {
        for (const n of tree.nodes) {
          const sum = n.selfUs + n.children.reduce((s, c) => s + tree.nodes[c].cumulativeUs, 0);
          assert.ok(Math.abs(sum - n.cumulativeUs) <= n.children.length + 1, `${n.module}: ${n.selfUs} + children = ${sum} vs ${n.cumulativeUs}`);
        }
        assert.strictEqual(tree.topLevelCumulativeUs, ref.filter(r => r.depth === 0).reduce((s, r) => s + r.cum, 0));
        assert.strictEqual(tree.totalSelfUs, ref.reduce((s, r) => s + r.self, 0));
      });

      it('importsByTopLevel / topLevelImport: cumulative and transitive modules by cumulative', () => {
        const byTop = importsByTopLevel(tree);
        assert.deepStrictEqual([...byTop.keys()], tree.roots.map(r => tree.nodes[r].module));
        const asyncio = byTop.get('asyncio')!;
        const line = ref.find(r => r.module === 'asyncio')!;
        assert.deepStrictEqual([asyncio.cumulativeUs, asyncio.selfUs, asyncio.isRoot], [line.cum, line.self, true]);
        const expected = new Set(descendants(tree, asyncio.node));
        assert.strictEqual(asyncio.modules.length, expected.size);
        for (const m of asyncio.modules) assert.ok(expected.has(m.index));
        for (let i = 1; i < asyncio.modules.length; i++) assert.ok(asyncio.modules[i - 1].cumulativeUs >= asyncio.modules[i].cumulativeUs);
        assert.strictEqual(asyncio.modules[0].cumulativeUs, Math.max(...[...expected].map(i => tree.nodes[i].cumulativeUs)));
        assert.ok(asyncio.modules.some(m => m.module === 'asyncio.base_events'));
        assert.deepStrictEqual(topLevelImport(tree, 'asyncio'), asyncio);
        // not a root: found where it was imported
        const events = topLevelImport(tree, 'asyncio.events')!;
        assert.strictEqual(events.isRoot, false);
        assert.strictEqual(events.cumulativeUs, ref.find(r => r.module === 'asyncio.events')!.cum);
        assert.strictEqual(topLevelImport(tree, 'sys'), undefined);
      });

      it('splitStartup: roots up to site are startup, asyncio is the application', () => {
        const split = splitStartup(tree);
        assert.strictEqual(tree.nodes[split.startupRoots[split.startupRoots.length - 1]].module, 'site');
        assert.deepStrictEqual(split.applicationRoots.map(r => tree.nodes[r].module), ['asyncio']);
        assert.strictEqual(split.applicationUs, node(tree, 'asyncio').cumulativeUs);
        assert.strictEqual(split.startupUs + split.applicationUs, tree.topLevelCumulativeUs);
      });

      it('importTreeStacks draws through buildCallTree: one node per module, totals = Σ self of the subtree', () => {
        const { frames, frameNodes, source } = importTreeStacks(tree);
        assert.strictEqual(frames.length, tree.nodes.length);
        for (const f of frames) assert.deepStrictEqual([f.kind, f.file, f.line], ['import', '', 0]);
        const call = buildCallTree(source);
        assert.strictEqual(call.unit, 'seconds');
        assert.strictEqual(call.nodeCount, tree.nodes.length + 1);
        for (let c = 1; c < call.nodeCount; c++) {
          const n = tree.nodes[frameNodes[call.frame[c]]];
          const subtreeSelf = n.selfUs + descendants(tree, n.index).reduce((s, d) => s + tree.nodes[d].selfUs, 0);
          assert.ok(Math.abs(call.totalWeight[c] - subtreeSelf / 1e6) < 1e-9, n.module);
          assert.ok(Math.abs(call.selfWeight[c] - n.selfUs / 1e6) < 1e-12, n.module);
          const p = call.parent[c];
          assert.strictEqual(p === CALL_TREE_ROOT ? -1 : frameNodes[call.frame[p]], n.parent, n.module);
        }
        assert.ok(Math.abs(call.totalWeight[CALL_TREE_ROOT] - tree.totalSelfUs / 1e6) < 1e-9);
      });
    });
  }

  it('3.8 and 3.12 print the same format (header, widths, two spaces per level)', () => {
    for (const version of ['3.8', '3.12']) {
      const lines = fixture(`asyncio-${version}.txt`).split('\n').filter(Boolean);
      assert.strictEqual(lines[0], 'import time: self [us] | cumulative | imported package');
      for (const l of lines.slice(1)) assert.match(l, /^import time: {1,}\d{1,} \| {1,}\d{1,} \| ( {2})*\S+$/);
    }
  });
});

describe('-X importtime: the script\'s own stderr, CRLF, truncation, corrupt input', () => {
  const text = fixture('interleaved-3.12.txt');

  it('ignores interleaved script lines, and reads an import line that starts mid-line', () => {
    const tree = parseImportTime(text);
    assert.strictEqual(tree.ignoredLines, 4); // before imports, after json, the fake "import time:" line, done
    assert.strictEqual(tree.nodes.length, refLines(text).length);
    const partial = text.split('\n').findIndex(l => l.startsWith('partial line, no newline: import time:'));
    assert.ok(partial >= 0, 'the fixture has a partial line before an import line');
    const mid = tree.nodes.find(n => n.line === partial + 1)!;
    assert.ok(mid, 'the mid-line import is a node');
    assert.deepStrictEqual(refLines(text).find(r => r.lineNo === partial + 1)!.module, mid.module);
    assert.strictEqual(tree.irregularNesting, 0);
    const roots = tree.roots.map(r => tree.nodes[r].module);
    assert.deepStrictEqual(roots.slice(roots.indexOf('site') + 1), ['json', 'no_such_module_pyrometer', 'decimal']);
    assert.ok(!tree.nodes.some(n => n.module.includes('script') || n.module === '2'));
  });

  it('CRLF gives the same tree', () => {
    assert.deepStrictEqual(parseImportTime(text.replace(/\n/g, '\r\n')), parseImportTime(text));
    const asyncio = fixture('asyncio-3.12.txt');
    assert.deepStrictEqual(parseImportTime(asyncio.replace(/\n/g, '\r\n')), parseImportTime(asyncio));
  });

  it('a capture cut anywhere after the header parses to a prefix of the full tree', () => {
    const full = parseImportTime(fixture('asyncio-3.8.txt'));
    const whole = fixture('asyncio-3.8.txt');
    const headerEnd = whole.indexOf('\n') + 1;
    for (let cut = headerEnd; cut <= whole.length; cut += 7) {
      const t = parseImportTime(whole.slice(0, cut));
      const endsClean = cut === whole.length || whole[cut - 1] === '\n';
      for (const n of t.nodes) {
        const f = full.nodes[n.index];
        const last = n.index === t.nodes.length - 1;
        assert.deepStrictEqual([n.selfUs, n.cumulativeUs, n.depth], [f.selfUs, f.cumulativeUs, f.depth], `cut ${cut}`);
        if (!last || endsClean) assert.strictEqual(n.module, f.module);
        else assert.ok(f.module.startsWith(n.module), `cut ${cut}: ${n.module} is a piece of ${f.module}`);
      }
      assert.strictEqual(t.lastLineUnterminated, !endsClean && t.nodes.length > 0 && t.nodes[t.nodes.length - 1].line === whole.slice(0, cut).split('\n').length);
      // what is still pending at the cut has no parent yet
      for (const r of t.roots) assert.strictEqual(t.nodes[r].parent, -1);
    }
  });

  it('corrupt input is a ProfileFormatError naming the format', () => {
    const cases: [string, RegExp][] = [
      ['', /not -X importtime output: no line of it is an import-time line/],
      ['hello\nworld\n', /not -X importtime output/],
      ['{"profile": 1}', /not -X importtime output/],
      ['\u0000\u0001\u0002binary', /not -X importtime output/],
      [fixture('asyncio-3.12.txt').split('\n').slice(1).join('\n'), /no header line before them/],
      ['import time: self [us] | cumulative | imported package\nimport time: x | y | z\nimport time: 12 | 1 2 | a\n', /header but no readable import line \(first unreadable: line 2/],
    ];
    for (const [input, re] of cases) {
      assert.throws(() => parseImportTime(input), (e: unknown) => {
        assert.ok(e instanceof ProfileFormatError, String(e));
        assert.match(e.message, re);
        assert.match(e.message, /python -X importtime/);
        return true;
      }, JSON.stringify(input.slice(0, 40)));
    }
  });

  it('a header alone is an empty tree; a second header is counted', () => {
    const h = 'import time: self [us] | cumulative | imported package\n';
    const empty = parseImportTime(h);
    assert.deepStrictEqual([empty.nodes.length, empty.roots.length, empty.topLevelCumulativeUs], [0, 0, 0]);
    assert.strictEqual(parseImportTime(h + 'import time:  5 |  5 | a\n' + h + 'import time:  6 |  6 | b\n').headers, 2);
  });

  it('threads mixing depths are counted as irregular nesting, not an error', () => {
    const t = parseImportTime([
      'import time: self [us] | cumulative | imported package',
      'import time:   1 |   1 |       deep',
      'import time:   2 |   2 |   child',
      'import time:   4 |   7 | top',
    ].join('\n'));
    assert.deepStrictEqual([t.nodes[1].children, t.nodes[2].children], [[0], [1]]);
    assert.strictEqual(t.irregularNesting, 1);
  });
});

describe('ImportTimeStderrSplitter: the log out of a live stderr stream', () => {
  const text = fixture('interleaved-3.12.txt');
  const scriptSide = 'script: before imports\npartial line, no newline: script: after json\n' +
    'script: import time: this is not an import line | 1 | 2\nscript: done\n';

  it('whole: the script text is exactly what the script wrote, the log parses to the same tree', () => {
    const s = new ImportTimeStderrSplitter();
    const out = s.push(text) + s.end();
    assert.strictEqual(out, scriptSide);
    const fromLog = parseImportTime(s.importText());
    const direct = parseImportTime(text);
    assert.deepStrictEqual(fromLog.nodes.map(n => [n.module, n.selfUs, n.cumulativeUs, n.parent]),
      direct.nodes.map(n => [n.module, n.selfUs, n.cumulativeUs, n.parent]));
    for (const l of s.importText().split('\n').filter(Boolean)) assert.ok(isImportTimeLine(l), l);
  });

  it('any chunking gives the same split', () => {
    let seed = 12345;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    for (let trial = 0; trial < 200; trial++) {
      const s = new ImportTimeStderrSplitter();
      let out = '';
      for (let pos = 0; pos < text.length;) {
        const size = 1 + rand(trial % 2 === 0 ? 5 : 200);
        out += s.push(text.slice(pos, pos + size));
        pos += size;
      }
      out += s.end();
      assert.strictEqual(out, scriptSide, `trial ${trial}`);
      const whole = new ImportTimeStderrSplitter();
      whole.push(text);
      whole.end();
      assert.strictEqual(s.importText(), whole.importText(), `trial ${trial}`);
    }
  });

  it('a last import line without a newline goes to the log; a held prefix that never completes goes to the script', () => {
    const s = new ImportTimeStderrSplitter();
    assert.strictEqual(s.push('import time: self [us] | cumulative | imported package\nimport time:  1 |  1 | x'), '');
    assert.strictEqual(s.end(), '');
    assert.strictEqual(parseImportTime(s.importText()).nodes[0].module, 'x');
    const t = new ImportTimeStderrSplitter();
    assert.strictEqual(t.push('bye import ti'), 'bye ');
    assert.strictEqual(t.end(), 'import ti');
  });
});
