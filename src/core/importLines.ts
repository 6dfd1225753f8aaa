import { ImportTree, topLevelImport, TopLevelImport } from './importTime';
import { escapeMarkdown } from './markdownText';
import { onFirstUse } from './onFirstUse';

/**
 * The import statements of a Python source text, and what each cost in an `-X importtime` run of it: for CodeLens
 * and hovers on import lines. Textual, not a parser (like pythonSource.ts): one statement per line, comments and
 * triple-quoted strings skipped roughly, `from x import (a,\n b)` read from its first line only, relative imports
 * (`from . import x`, `from .m import x`) skipped because their absolute name depends on the package.
 */
export interface ImportStatement {
  /** 0-based line of the statement. */
  readonly line: number;
  /** The dotted names the statement imports, as written (`email.mime.multipart`, `json`), in order. */
  readonly modules: readonly string[];
  /** Their top-level packages (`email`, `json`), without duplicates. */
  readonly topLevel: readonly string[];
  /** `from pkg import a, b`: `pkg.a`, `pkg.b`, which are modules when a and b are submodules. */
  readonly submoduleCandidates: readonly string[];
  /** Indented: inside a def, class, if or try (a def's imports run when it is called, not at startup). */
  readonly indented: boolean;
}

const NAME = String.raw`[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*`;
const DOTTED = `${NAME}(?:\\s*\\.\\s*${NAME})*`;
const patterns = onFirstUse(() => ({
  plain: new RegExp(`^\\s*import\\s+(.+)$`, 'u'),
  from: new RegExp(`^\\s*from\\s+(${DOTTED})\\s+import\\s+(.+)$`, 'u'),
  dottedOnly: new RegExp(`^${DOTTED}$`, 'u'),
  nameOnly: new RegExp(`^${NAME}$`, 'u'),
}));

/** Finds the import statements of a source text (0-based lines, ascending). */
export function findImportLines(text: string): ImportStatement[] {
  const out: ImportStatement[] = [];
  let inString: '"""' | "'''" | null = null;
  text.split(/\r?\n/).forEach((raw, line) => {
    const wasInString = inString !== null;
    inString = afterTripleQuotes(raw, inString);
    if (wasInString) return; // the line starts inside a string (its end may close it; no statement counted there)
    const code = stripComment(raw);
    const statement = parseStatement(code);
    if (statement) out.push({ line, ...statement, indented: /^\s/.test(raw) });
  });
  return out;
}

function parseStatement(code: string): Omit<ImportStatement, 'line' | 'indented'> | undefined {
  const { plain: importPattern, from: fromPattern, dottedOnly, nameOnly } = patterns();
  const from = fromPattern.exec(code);
  if (from) {
    const pkg = compact(from[1]);
    const names = from[2].replace(/[()\\]/g, ' ').split(',').map(n => n.trim().split(/\s+as\s+/u)[0].trim())
      .filter(n => nameOnly.test(n));
    return { modules: [pkg], topLevel: [pkg.split('.')[0]], submoduleCandidates: names.map(n => `${pkg}.${n}`) };
  }
  const plain = importPattern.exec(code);
  if (!plain) return undefined;
  const modules: string[] = [];
  for (const part of plain[1].split(';')[0].replace(/\\$/, '').split(',')) {
    const name = part.trim().split(/\s+as\s+/u)[0].trim();
    if (!dottedOnly.test(name)) continue;
    modules.push(compact(name));
  }
  if (modules.length === 0) return undefined;
  return { modules, topLevel: [...new Set(modules.map(m => m.split('.')[0]))], submoduleCandidates: [] };
}

function compact(dotted: string): string {
  return dotted.replace(/\s+/g, '');
}

/** The line without its comment (a `#` outside single-line quotes). */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

/** Whether a triple-quoted string is still open at the end of the line, given whether one was open at its start. */
function afterTripleQuotes(line: string, open: '"""' | "'''" | null): '"""' | "'''" | null {
  let i = 0;
  while (i < line.length) {
    if (open) {
      const end = line.indexOf(open, i);
      if (end < 0) return open;
      i = end + 3;
      open = null;
      continue;
    }
    const ch = line[i];
    if (ch === '#') return null;
    if (line.startsWith('"""', i) || line.startsWith("'''", i)) {
      open = line.slice(i, i + 3) as '"""' | "'''";
      i += 3;
      continue;
    }
    if (ch === '"' || ch === "'") {
      // A one-line string: skip to its end.
      let j = i + 1;
      while (j < line.length && line[j] !== ch) j += line[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    i++;
  }
  return open;
}

/** What one import line cost in a run. */
export interface ImportAnnotation {
  /** 0-based line. */
  readonly line: number;
  /** `import time: cum 12.3 ms (self 0.4 ms), N modules`, or `import time: already imported before this line`. */
  readonly title: string;
  readonly hoverMarkdown: string;
  /** The imports this line made (first imported here), in statement order. */
  readonly imports: readonly TopLevelImport[];
  /** Names the line asks for that were already imported (by site, another module, or an earlier line). */
  readonly alreadyImported: readonly string[];
}

const HEAVIEST_SHOWN = 8;

/**
 * Annotates the import lines of `text` with the run's tree. A line's imports are the tree's roots of the names it
 * writes (and, for `from pkg import sub`, of `pkg.sub`) that no earlier line claimed; a name printed only under
 * another module, or not printed at all (builtins such as `sys`), was imported before the line ran: -X importtime
 * prints a module once, the first time, so the line itself cost (almost) nothing.
 */
export function importAnnotations(tree: ImportTree, text: string): ImportAnnotation[] {
  const claimed = new Set<number>();
  const out: ImportAnnotation[] = [];
  for (const statement of findImportLines(text)) {
    const imports: TopLevelImport[] = [];
    const already: string[] = [];
    for (const name of [...statement.modules, ...statement.submoduleCandidates]) {
      const found = topLevelImport(tree, name);
      const isCandidate = statement.submoduleCandidates.includes(name);
      if (!found || !found.isRoot || claimed.has(found.node)) {
        if (!isCandidate) already.push(name);
        continue;
      }
      claimed.add(found.node);
      imports.push(found);
    }
    out.push({
      line: statement.line, imports, alreadyImported: already,
      title: lensTitle(imports), hoverMarkdown: hoverMarkdown(imports, already),
    });
  }
  return out;
}

function lensTitle(imports: readonly TopLevelImport[]): string {
  if (imports.length === 0) return 'import time: already imported before this line';
  const cum = imports.reduce((s, i) => s + i.cumulativeUs, 0);
  const self = imports.reduce((s, i) => s + i.selfUs, 0);
  const modules = imports.reduce((s, i) => s + 1 + i.modules.length, 0);
  return `import time: cum ${ms(cum)} ms (self ${ms(self)} ms), ${modules} module${modules === 1 ? '' : 's'}`;
}

function ms(us: number): string {
  return (us / 1000).toFixed(1);
}

function hoverMarkdown(imports: readonly TopLevelImport[], already: readonly string[]): string {
  const parts: string[] = ['**Pyrometer (import time)**'];
  for (const i of imports) {
    parts.push(`**${escapeMarkdown(i.module)}**: cumulative ${i.cumulativeUs} µs, self ${i.selfUs} µs ` +
      `(${i.modules.length} module${i.modules.length === 1 ? '' : 's'} imported under it)`);
    const heaviest = i.modules.slice(0, HEAVIEST_SHOWN);
    if (heaviest.length > 0) {
      parts.push(['Heaviest modules under it (cumulative):',
        ...heaviest.map(n => `- ${escapeMarkdown(n.module)}: ${n.cumulativeUs} µs (self ${n.selfUs} µs)`)].join('\n'));
    }
  }
  if (already.length > 0) {
    parts.push(`Already imported before this line (by site, another module, or an earlier line), so -X importtime ` +
      `does not print it again: ${already.map(escapeMarkdown).join(', ')}`);
  }
  return parts.join('\n\n');
}

/**
 * Roots of the application part of the run (after `site`, see splitStartup) that no unindented import line of the
 * script names: imported inside a function or block, or by a module at run time rather than at its import. A guess
 * from the text (an `if` at top level also indents), so the view words it as such.
 */
export function lazyRoots(tree: ImportTree, text: string, applicationRoots: readonly number[]): Set<number> {
  const topLevelNames = new Set<string>();
  for (const s of findImportLines(text)) {
    if (!s.indented) for (const m of [...s.modules, ...s.submoduleCandidates]) topLevelNames.add(m);
  }
  return new Set(applicationRoots.filter(r => !topLevelNames.has(tree.nodes[r].module)));
}
