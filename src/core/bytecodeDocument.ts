import type {
  BytecodeListing, CodeObjectKind, Instruction, SpecializationStatus, SpecializationSummary,
} from './bytecodeResult';
import { groupThousands } from './pstatsNumbers';

/*
 * The listing as the text of a read-only document shown beside the source (language `pyrometer-dis`, coloured by
 * syntaxes/pyrometer-dis.tmLanguage.json, which depends on this layout):
 *
 *   # Specialized bytecode of attributes.py (/w/attributes.py)            comment lines: the summary block
 *   # Python 3.12.1 · warm-up: the script ran as __main__
 *   # …
 *                                                                         blank line between sections
 *   def total_price  (attributes.py:25)  specialized 3/3                  one header per code object
 *       28 │ total += item.price  # monomorphic when items share a class  source line: number │ text
 *            18  LOAD_ATTR_INSTANCE_VALUE   0  (price)  ✓ specialized      its instructions, in offset order
 *         >> 10  FOR_ITER_LIST             20  (to 48)  ✓ specialized      `>>` marks a jump target
 *
 * Within a section the instructions are grouped by source line in line order (a loop header's FOR_ITER and its
 * END_FOR share one group), instructions without a line last; the offsets keep the execution order readable.
 */

/** The marker written after an instruction of each status ('' for plain). */
export const STATUS_MARKERS: Readonly<Record<SpecializationStatus, string>> = {
  specialized: '✓ specialized',
  failed: '✗ failed to specialize',
  unspecialized: '… not yet specialized',
  cold: '· cold',
  plain: '',
};

const KIND_KEYWORDS: Readonly<Record<CodeObjectKind, string>> = {
  module: 'module', class: 'class', function: 'def', lambda: 'lambda', comprehension: 'comprehension',
  'generator-expression': 'genexpr',
};

/** Width of the source line number column (right-aligned), then ` │ `. */
const LINE_NUMBER_WIDTH = 6;
const INSTRUCTION_INDENT = ' '.repeat(LINE_NUMBER_WIDTH + 2);
/** Longer argreprs (code object reprs, long constants) overflow instead of pushing every status marker right. */
const MAX_ARGREPR_COLUMN = 24;

/** A range of document lines, 0-based and inclusive, as VS Code numbers lines. */
export interface DocLineRange {
  readonly first: number;
  readonly last: number;
}

export interface DocInstruction {
  /** Index into `BytecodeListing.codeObjects`. */
  readonly codeObject: number;
  /** Index into that code object's `instructions`. */
  readonly index: number;
  readonly instruction: Instruction;
}

/**
 * The rendered document and its mapping to the source. Document lines are 0-based (VS Code's numbering); source
 * lines are 1-based (Python's, as in the listing).
 */
export interface BytecodeDocument {
  readonly text: string;
  readonly lineCount: number;
  /** The 1-based source line a document line shows: its source line, or a header's first line; else undefined. */
  sourceLineOf(docLine: number): number | undefined;
  /**
   * The block of a 1-based source line (its `N │` line and instructions): in the innermost code object with
   * instructions there (the lambda's block rather than its function's), the first in the document on a tie.
   */
  docLinesOf(sourceLine: number): DocLineRange | undefined;
  /** Every block of a source line, in document order. */
  allDocLinesOf(sourceLine: number): readonly DocLineRange[];
  /** The status of the instruction on a document line; undefined for other lines. */
  statusAt(docLine: number): SpecializationStatus | undefined;
  instructionAt(docLine: number): DocInstruction | undefined;
  /** The code object whose section holds a document line (header, source lines, instructions). */
  codeObjectAt(docLine: number): number | undefined;
  /** The section of a code object: its header through its last instruction. */
  sectionOf(codeObject: number): DocLineRange | undefined;
}

type LineInfo =
  | { readonly kind: 'text' }
  | { readonly kind: 'header'; readonly codeObject: number }
  | { readonly kind: 'source'; readonly codeObject: number; readonly sourceLine: number | null }
  | { readonly kind: 'instruction'; readonly codeObject: number; readonly sourceLine: number | null; readonly index: number };

function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

function plural(n: number, one: string, many: string): string {
  return `${groupThousands(n)} ${n === 1 ? one : many}`;
}

/** `specialized 9/12, failed 1, not yet 2, cold 2` (zero counts left out), or why there is nothing to count. */
export function summaryText(s: SpecializationSummary): string {
  if (s.specializable === 0) return 'nothing to specialize';
  const parts = [`specialized ${s.specialized}/${s.specializable}`];
  if (s.failed > 0) parts.push(`failed ${s.failed}`);
  if (s.unspecialized > 0) parts.push(`not yet ${s.unspecialized}`);
  if (s.cold > 0) parts.push(`cold ${s.cold}`);
  return parts.join(', ');
}

function warmUpText(listing: BytecodeListing): string {
  const w = listing.warmup;
  const how = w.mode === 'call'
    ? `called ${w.call ?? '?'} ${plural(w.repeat, 'time', 'times')} (the module imported, its main block skipped)`
    : 'the script ran as __main__';
  const m = listing.metadata;
  if (m.exception) {
    return `${how}; it raised ${m.exception.type}: ${firstLine(m.exception.message)} (the listing shows the state when it stopped)`;
  }
  return m.exitCode !== 0 ? `${how} (exit status ${m.exitCode})` : how;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function summaryBlock(listing: BytecodeListing): string[] {
  const script = listing.metadata.script || listing.codeObjects[0]?.file || '';
  const lines: string[] = [];
  if (!listing.adaptive.available) lines.push(`# ${listing.adaptive.reason ?? 'adaptive specialization is not available'}`);
  lines.push(`# ${listing.adaptive.available ? 'Specialized bytecode' : 'Bytecode'} of ${baseName(script)} (${script})`);
  lines.push(`# Python ${listing.metadata.python.version} · warm-up: ${warmUpText(listing)}`);
  const total = { specializable: 0, specialized: 0, unspecialized: 0, failed: 0, cold: 0 };
  for (const code of listing.codeObjects) {
    for (const key of ['specializable', 'specialized', 'unspecialized', 'failed', 'cold'] as const) total[key] += code.summary[key];
  }
  const objects = plural(listing.codeObjects.length, 'code object', 'code objects');
  if (listing.adaptive.available) {
    lines.push(`# ${objects} · ${plural(total.specializable, 'specializable instruction', 'specializable instructions')}: ` +
      `${groupThousands(total.specialized)} specialized, ${groupThousands(total.failed)} failed to specialize, ` +
      `${groupThousands(total.unspecialized)} not yet specialized, ${groupThousands(total.cold)} cold`);
    lines.push(`# ${STATUS_MARKERS.specialized}   ${STATUS_MARKERS.failed}   ${STATUS_MARKERS.unspecialized}   ` +
      `${STATUS_MARKERS.cold} (not run since the code was quickened)`);
  } else {
    lines.push(`# ${objects}`);
  }
  if (listing.codeObjects.length === 0) lines.push('# Nothing to list: the script did not compile or could not be read.');
  return lines;
}

function headerText(listing: BytecodeListing, index: number): string {
  const code = listing.codeObjects[index];
  const where = `(${baseName(code.file)}:${code.firstLine})`;
  const head = `${KIND_KEYWORDS[code.kind]} ${code.qualname}  ${where}`;
  return listing.adaptive.available ? `${head}  ${summaryText(code.summary)}` : head;
}

function sourceLineText(line: number | null, sourceLines: readonly string[] | undefined): string {
  const number = (line === null ? '-' : String(line)).padStart(LINE_NUMBER_WIDTH);
  if (line === null) return `${number} │ (no source line)`;
  const text = sourceLines?.[line - 1]?.trim() ?? '';
  return text ? `${number} │ ${text}` : `${number} │`;
}

interface Columns { readonly opname: number; readonly arg: number; readonly argrepr: number; readonly offset: number }

function columnsOf(listing: BytecodeListing): Columns {
  let opname = 0;
  let arg = 1;
  let argrepr = 0;
  let offset = 1;
  for (const code of listing.codeObjects) {
    for (const i of code.instructions) {
      opname = Math.max(opname, i.opname.length);
      if (i.arg !== null) arg = Math.max(arg, String(i.arg).length);
      if (i.argrepr && i.argrepr.length + 2 <= MAX_ARGREPR_COLUMN) argrepr = Math.max(argrepr, i.argrepr.length + 2);
      offset = Math.max(offset, String(i.offset).length);
    }
  }
  return { opname, arg, argrepr, offset };
}

function instructionText(i: Instruction, columns: Columns, withStatus: boolean): string {
  const target = i.jumpTarget ? '>>' : '  ';
  const arg = (i.arg === null ? '' : String(i.arg)).padStart(columns.arg);
  const argrepr = (i.argrepr ? `(${i.argrepr})` : '').padEnd(columns.argrepr);
  const text = `${INSTRUCTION_INDENT}${target} ${String(i.offset).padStart(columns.offset)}  ` +
    `${i.opname.padEnd(columns.opname)}  ${arg}  ${argrepr}  ${withStatus ? STATUS_MARKERS[i.status] : ''}`;
  return text.trimEnd();
}

/** Instruction indices of a code object grouped by source line: lines ascending, null last; offsets in order. */
function groupByLine(instructions: readonly Instruction[]): [number | null, number[]][] {
  const groups = new Map<number | null, number[]>();
  instructions.forEach((instruction, index) => {
    const group = groups.get(instruction.line);
    if (group) group.push(index);
    else groups.set(instruction.line, [index]);
  });
  return [...groups.entries()].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a - b));
}

function depthOf(listing: BytecodeListing, index: number): number {
  let depth = 0;
  for (let p = listing.codeObjects[index].parent; p !== null; p = listing.codeObjects[p].parent) depth++;
  return depth;
}

/**
 * Renders the listing (see the layout above). `sourceLines` are the script's lines (index 0 = line 1) to show
 * beside the line numbers; without them only the numbers are shown.
 */
export function renderBytecodeDocument(listing: BytecodeListing, sourceLines?: readonly string[]): BytecodeDocument {
  const out: string[] = [];
  const info: LineInfo[] = [];
  const push = (text: string, line: LineInfo) => { out.push(text); info.push(line); };
  for (const text of summaryBlock(listing)) push(text, { kind: 'text' });

  const blocks = new Map<number, { range: DocLineRange; depth: number }[]>();
  const sections: DocLineRange[] = [];
  const columns = columnsOf(listing);
  listing.codeObjects.forEach((code, codeObject) => {
    push('', { kind: 'text' });
    const sectionStart = out.length;
    push(headerText(listing, codeObject), { kind: 'header', codeObject });
    const depth = depthOf(listing, codeObject);
    for (const [sourceLine, indices] of groupByLine(code.instructions)) {
      const first = out.length;
      push(sourceLineText(sourceLine, sourceLines), { kind: 'source', codeObject, sourceLine });
      for (const index of indices) {
        push(instructionText(code.instructions[index], columns, listing.adaptive.available),
          { kind: 'instruction', codeObject, sourceLine, index });
      }
      if (sourceLine !== null) {
        const list = blocks.get(sourceLine) ?? [];
        list.push({ range: { first, last: out.length - 1 }, depth });
        blocks.set(sourceLine, list);
      }
    }
    sections.push({ first: sectionStart, last: out.length - 1 });
  });

  const at = (docLine: number): LineInfo | undefined => (Number.isInteger(docLine) ? info[docLine] : undefined);
  return {
    text: out.join('\n') + '\n',
    lineCount: out.length,
    sourceLineOf(docLine) {
      const line = at(docLine);
      if (!line || line.kind === 'text') return undefined;
      if (line.kind === 'header') return listing.codeObjects[line.codeObject].firstLine;
      return line.sourceLine ?? undefined;
    },
    docLinesOf(sourceLine) {
      const list = blocks.get(sourceLine);
      if (!list) return undefined;
      let best = list[0];
      for (const block of list) if (block.depth > best.depth) best = block;
      return best.range;
    },
    allDocLinesOf(sourceLine) {
      return (blocks.get(sourceLine) ?? []).map(b => b.range);
    },
    statusAt(docLine) {
      const line = at(docLine);
      return line?.kind === 'instruction' ? listing.codeObjects[line.codeObject].instructions[line.index].status : undefined;
    },
    instructionAt(docLine) {
      const line = at(docLine);
      if (line?.kind !== 'instruction') return undefined;
      return { codeObject: line.codeObject, index: line.index, instruction: listing.codeObjects[line.codeObject].instructions[line.index] };
    },
    codeObjectAt(docLine) {
      const line = at(docLine);
      return line && line.kind !== 'text' ? line.codeObject : undefined;
    },
    sectionOf(codeObject) {
      return sections[codeObject];
    },
  };
}
