/**
 * The tests of a Python file, found by a scan of its text (indentation, `def`/`class` lines), the way pytest and
 * unittest collect them by default — no import, no interpreter, so the "Profile" CodeLens shows as soon as the file
 * opens. What is recognised:
 * - pytest, in files named `test_*.py` or `*_test.py`: module-level `def test*` / `async def test*`, and `def test*`
 *   methods of classes named `Test*` (nested `Test*` classes too, as pytest collects them) that have no `__init__`;
 * - unittest, in any file: `def test*` methods of classes deriving from `TestCase` / `unittest.TestCase` /
 *   `IsolatedAsyncioTestCase` (or from another class of the same file that does).
 * Decorators (e.g. `@pytest.mark.parametrize`) are skipped over: the lens goes on the `def` line and profiles every
 * parametrized case (the node id names the function, not one case). Not seen: tests made dynamically, classes
 * deriving from a TestCase subclass imported from elsewhere, pytest's `python_functions` / `python_files`
 * configured otherwise.
 */

export type TestFramework = 'pytest' | 'unittest';

export interface DiscoveredTest {
  /** 0-based line of the `def`. */
  readonly line: number;
  readonly name: string;
  /** Enclosing classes, outermost first ([] for a module-level function). */
  readonly classes: readonly string[];
  /** unittest when the class derives from a TestCase (pytest runs those too); pytest otherwise. */
  readonly framework: TestFramework;
}

const DEF = /^(\s*)(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/;
const CLASS = /^(\s*)class\s+([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*:/;
const TESTCASE_BASES = new Set(['TestCase', 'IsolatedAsyncioTestCase', 'unittest.TestCase', 'unittest.IsolatedAsyncioTestCase']);

/** pytest's default `python_files`: `test_*.py` and `*_test.py`. */
export function isPytestFileName(fileName: string): boolean {
  const base = fileName.replace(/^.*[\\/]/, '');
  return /^test_.*\.py$/.test(base) || /^.+_test\.py$/.test(base);
}

interface OpenClass {
  readonly kind: 'class';
  readonly indent: number;
  readonly name: string;
  readonly unittest: boolean;
  /** pytest collects it: named Test*, no __init__ (seen so far), every enclosing class collected too. */
  pytest: boolean;
  readonly tests: DiscoveredTest[];
}

/** A def's body: nothing defined in it is a test. */
interface OpenDef {
  readonly kind: 'def';
  readonly indent: number;
}

function indentWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch === '\t' ? 8 - (width % 8) : 1;
  return width;
}

/** The lines that start a logical line (not inside a bracket or a triple-quoted string). */
function logicalLineStarts(lines: readonly string[]): boolean[] {
  const starts: boolean[] = [];
  let depth = 0;
  let triple: string | null = null;
  let continued = false;
  for (const line of lines) {
    starts.push(depth === 0 && triple === null && !continued);
    let i = 0;
    let quote: string | null = null;
    while (i < line.length) {
      const ch = line[i];
      if (triple) {
        if (line.startsWith(triple, i)) { i += 3; triple = null; continue; }
        if (ch === '\\') i++;
        i++;
        continue;
      }
      if (quote) {
        if (ch === '\\') i++;
        else if (ch === quote) quote = null;
        i++;
        continue;
      }
      if (ch === '#') break;
      if (line.startsWith('"""', i) || line.startsWith("'''", i)) { triple = line.slice(i, i + 3); i += 3; continue; }
      if (ch === '"' || ch === "'") quote = ch;
      else if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
      i++;
    }
    continued = triple === null && /\\$/.test(line);
  }
  return starts;
}

/** The tests of one file's text; fileName decides whether pytest collects it (its base name). */
export function discoverTests(text: string, fileName: string): DiscoveredTest[] {
  const pytestFile = isPytestFileName(fileName);
  const lines = text.split(/\r?\n/);
  const starts = logicalLineStarts(lines);
  const unittestClasses = new Set<string>();
  const open: (OpenClass | OpenDef)[] = [];
  const found: DiscoveredTest[] = [];
  const closeTo = (indent: number) => {
    while (open.length && open[open.length - 1].indent >= indent) {
      const done = open.pop()!;
      if (done.kind === 'def') continue;
      for (const t of done.tests) {
        if (t.framework === 'unittest' || done.pytest) found.push(t);
      }
    }
  };
  lines.forEach((line, index) => {
    if (!starts[index] || !line.trim() || /^\s*#/.test(line)) return;
    const indent = indentWidth(/^\s*/.exec(line)![0]);
    if (/^\s*@/.test(line)) return; // a decorator: its def follows at the same indent
    closeTo(indent);
    const cls = CLASS.exec(line);
    if (cls) {
      const bases = (cls[3] ?? '').split(',').map(b => b.trim()).filter(Boolean);
      const unittest = bases.some(b => TESTCASE_BASES.has(b) || unittestClasses.has(b));
      if (unittest && open.length === 0) unittestClasses.add(cls[2]);
      const parent = open[open.length - 1];
      if (parent?.kind === 'def') {
        open.push({ kind: 'def', indent }); // a class inside a function: not collected
        return;
      }
      open.push({
        kind: 'class', indent, name: cls[2], unittest, tests: [],
        pytest: pytestFile && /^Test/.test(cls[2]) && (parent === undefined || parent.pytest),
      });
      return;
    }
    const def = DEF.exec(line);
    if (!def) return;
    const parent = open[open.length - 1];
    const name = def[2];
    open.push({ kind: 'def', indent });
    if (parent?.kind === 'def') return; // a function inside a function
    if (parent) {
      if (name === '__init__') parent.pytest = false; // pytest does not collect a class with __init__
      if (!name.startsWith('test')) return;
      if (parent.unittest) {
        parent.tests.push({ line: index, name, classes: classNames(open), framework: 'unittest' });
      } else if (pytestFile) {
        parent.tests.push({ line: index, name, classes: classNames(open), framework: 'pytest' });
      }
      return;
    }
    if (pytestFile && name.startsWith('test')) {
      found.push({ line: index, name, classes: [], framework: 'pytest' });
    }
  });
  closeTo(-1);
  return found.sort((a, b) => a.line - b.line);
}

function classNames(open: readonly (OpenClass | OpenDef)[]): string[] {
  return open.flatMap(c => (c.kind === 'class' ? [c.name] : []));
}

/** `path::Class::test` as pytest takes it on its command line (path relative to the rootdir / cwd, with `/`). */
export function pytestNodeId(relativePath: string, test: DiscoveredTest): string {
  return [relativePath.split('\\').join('/'), ...test.classes, test.name].join('::');
}

/**
 * `package.module.Class.test` as `python -m unittest` takes it, for a file at relativePath under the cwd; undefined
 * when the path is not importable as a dotted name from the cwd (a directory or file name that is not an identifier).
 */
export function unittestName(relativePath: string, test: DiscoveredTest): string | undefined {
  const parts = relativePath.split(/[\\/]/);
  const last = parts.pop() ?? '';
  if (!/\.py$/.test(last)) return undefined;
  const moduleParts = [...parts, last.slice(0, -3)];
  if (!moduleParts.every(p => /^[A-Za-z_]\w*$/.test(p))) return undefined;
  return [...moduleParts, ...test.classes, test.name].join('.');
}
