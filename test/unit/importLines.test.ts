import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { findImportLines, importAnnotations } from '../../src/core/importLines';
import { descendants, parseImportTime } from '../../src/core/importTime';
import { REPO_ROOT } from '../support/pythonForTests';

const fixture = (name: string): string => fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'importtime', name), 'utf8');

describe('findImportLines', () => {
  it('reads import, import a, b, import a.b as c and from pkg.mod import y', () => {
    const text = [
      'import os',
      'import a, b.c',
      'import a.b as c',
      'from pkg.mod import y as z, w',
      '    import lazy.mod  # inside a function',
    ].join('\n');
    assert.deepStrictEqual(findImportLines(text).map(s => [s.line, s.modules, s.topLevel, s.submoduleCandidates]), [
      [0, ['os'], ['os'], []],
      [1, ['a', 'b.c'], ['a', 'b'], []],
      [2, ['a.b'], ['a'], []],
      [3, ['pkg.mod'], ['pkg'], ['pkg.mod.y', 'pkg.mod.w']],
      [4, ['lazy.mod'], ['lazy'], []],
    ]);
  });

  it('skips relative imports, comments and lines inside triple-quoted strings', () => {
    const text = [
      '"""Docs.',
      'import not_code',
      '"""',
      '# import commented',
      'from . import sibling',
      'from .mod import thing',
      "x = 'import no'",
      "s = '''",
      'from inside import string',
      "'''",
      'import real',
    ].join('\n');
    assert.deepStrictEqual(findImportLines(text).map(s => [s.line, s.modules]), [[10, ['real']]]);
  });
});

describe('importAnnotations', () => {
  const script = fixture('interleaved.py.txt');
  const tree = parseImportTime(fixture('interleaved-3.12.txt'));
  const byLine = new Map(importAnnotations(tree, script).map(a => [a.line, a]));

  it("puts json's printed cumulative and self (ms, 1 decimal) and its module count on `import json`", () => {
    const json = tree.nodes.find(n => n.module === 'json' && n.parent < 0)!;
    assert.strictEqual(json.cumulativeUs, 18043);
    const count = 1 + descendants(tree, json.index).length;
    assert.strictEqual(byLine.get(4)!.title, `import time: cum 18.0 ms (self 0.6 ms), ${count} modules`);
  });

  it('says `import sys` was already imported (the interpreter loaded it; -X importtime never prints it)', () => {
    assert.strictEqual(byLine.get(0)!.title, 'import time: already imported before this line');
    assert.deepStrictEqual(byLine.get(0)!.alreadyImported, ['sys']);
    assert.match(byLine.get(0)!.hoverMarkdown, /Already imported before this line/);
  });

  it('annotates an import inside try (a failed import is printed too) and decimal with its heaviest module in µs', () => {
    assert.strictEqual(byLine.get(7)!.title, 'import time: cum 0.1 ms (self 0.1 ms), 1 module');
    const decimal = byLine.get(10)!;
    assert.match(decimal.title, /^import time: cum 4\.4 ms \(self 0\.5 ms\), \d+ modules$/);
    assert.match(decimal.hoverMarkdown, /\*\*decimal\*\*: cumulative 4384 µs, self 509 µs/);
    assert.match(decimal.hoverMarkdown, /- \\_decimal: 3876 µs \(self 2340 µs\)/);
  });

  it('a module imported by site (os), or by an earlier line, is "already imported before this line"', () => {
    const [os, again] = importAnnotations(tree, 'import os\nimport json\nimport json\n').filter(a => a.line !== 1);
    assert.strictEqual(os.title, 'import time: already imported before this line');
    assert.strictEqual(again.title, 'import time: already imported before this line');
  });

  it('on `import asyncio, sys` counts asyncio only, and lists at most 8 heaviest modules, heaviest first', () => {
    const t = parseImportTime(fixture('asyncio-3.12.txt'));
    const [a] = importAnnotations(t, 'import asyncio, sys; print(sys.modules)\n');
    const root = t.nodes.find(n => n.module === 'asyncio' && n.parent < 0)!;
    assert.strictEqual(a.imports.length, 1);
    assert.deepStrictEqual(a.alreadyImported, ['sys']);
    assert.strictEqual(a.title, `import time: cum ${(root.cumulativeUs / 1000).toFixed(1)} ms (self ${(root.selfUs / 1000).toFixed(1)} ms), ` +
      `${1 + descendants(t, root.index).length} modules`);
    const listed = a.hoverMarkdown.split('\n').filter(l => l.startsWith('- ')).map(l => Number(/: (\d+) µs/.exec(l)![1]));
    assert.strictEqual(listed.length, 8);
    assert.deepStrictEqual(listed, [...listed].sort((x, y) => y - x));
    const heaviest = Math.max(...descendants(t, root.index).map(n => t.nodes[n].cumulativeUs));
    assert.strictEqual(listed[0], heaviest);
  });
});
