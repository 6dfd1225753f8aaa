import { placeholderMetadata, SampledParseOptions, SampledProfileBuilder } from './collapsedStacks';
import { CodeSymbolIndex, pythonSymbol } from './perfMap';
import { ProfileFormatError } from './profileErrors';
import type { FrameKind, Profile } from './profileModel';

/**
 * `perf script` text → the profile model (source 'perf', one sample per weight unit). Expected fields:
 * `perf script -F comm,pid,tid,time,event,ip,sym,dso` (other field sets work as long as each sample starts with an
 * unindented header holding `PID/TID` or `PID TIME:` and its call chain follows as indented `ADDR SYMBOL (DSO)`
 * lines, leaf first, ending at an empty line):
 *
 *     python 19510/19510 20944.048066: cpu-clock:
 *         30d4a8 sre_ucs1_match (/root/.pyenv/versions/3.13.0/lib/libpython3.13.so.1.0)
 *             85 py::count_words:/tmp/w.py (/tmp/jitted-19510-359.so)
 *         ffffffff822601e7 exc_page_fault ([kernel.kallsyms])
 *         7f79060bfee3 py::count_words:/tmp/w.py (/tmp/perf-19227.map)
 *         7ff611f615a0 [unknown] ([unknown])
 *
 * Frames: `py::qualname:/abs/file.py` → kind python, name qualname, file the path (line 0 here: the def line comes
 * from the source, see perfDefLines.ts); a kernel address or `[kernel.kallsyms]` → kernel; other code in a perf
 * map / jitted-*.so / anonymous memory → jit; the rest → native, file = the DSO. An `[unknown]` symbol is looked up
 * in `symbols` (our reading of the run's perf map or jitdump): perf leaves addresses unresolved when the map was
 * gone or written after it looked, and when found there the frame is the Python function it names.
 * A last `ffffffffffffffff [unknown]` line marks where perf's unwinder stopped and is not a frame.
 * Perf's inline expansions (`(inlined)` DSO, absent with --no-inline) are kept as native frames.
 */
export interface PerfScriptOptions extends SampledParseOptions {
  /** Perf map / jitdump symbols of the run, to name addresses perf left as `[unknown]`. */
  readonly symbols?: CodeSymbolIndex;
  /** Keep only samples of these process ids (the profiled process and its children); absent: all. */
  readonly pids?: ReadonlySet<number>;
}

export interface PerfScriptFacts {
  /** Samples read (before any pid filter). */
  readonly samples: number;
  /** Frames perf printed as `[unknown]` that our perf map / jitdump reading named. */
  readonly resolvedByUs: number;
  /** Frames nobody could name. */
  readonly unresolved: number;
  readonly pids: readonly number[];
}

const HEADER_PID_TID = /^(.*?)\s+(\d+)\/(\d+)\s/;
const HEADER_PID = /^(.*?)\s+(\d+)\s+(?:\[\d+\]\s+)?\d+\.\d+:/;
const KERNEL_START = 0xffff800000000000;

export function parsePerfScript(text: string, options: PerfScriptOptions = {}): { profile: Profile; facts: PerfScriptFacts } {
  const builder = new SampledProfileBuilder();
  const stackKeys = new Map<string, number>();
  const counted: { frames: number[]; thread: number; weight: number }[] = [];
  const pids = new Set<number>();
  let samples = 0, resolvedByUs = 0, unresolved = 0;
  let leafFirst: number[] | null = null;
  let thread = -1;
  let keep = true;

  const flush = () => {
    if (leafFirst && keep) {
      const frames = leafFirst.reverse();
      const key = `${thread}|${frames.join(',')}`;
      const at = stackKeys.get(key);
      if (at === undefined) {
        stackKeys.set(key, counted.length);
        counted.push({ frames, thread, weight: 1 });
      } else counted[at].weight++;
    }
    leafFirst = null;
  };

  const frameOf = (address: number, symbol: string, dso: string): number => {
    let sym = symbol;
    if (sym === '[unknown]' && options.symbols && Number.isFinite(address)) {
      const found = options.symbols.lookup(address);
      if (found) {
        sym = found.name;
        resolvedByUs++;
      }
    }
    if (sym === '[unknown]') unresolved++;
    const py = pythonSymbol(sym);
    if (py) return builder.frameIndex(py.qualname, py.file, 'python');
    const kind = nativeKind(address, dso);
    return builder.frameIndex(sym, dso === '[unknown]' ? '' : dso, kind);
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') {
      flush();
      continue;
    }
    const indented = line.charCodeAt(0) === 9 || line.charCodeAt(0) === 32;
    if (!indented) {
      if (line.startsWith('#')) continue;
      flush();
      const m = HEADER_PID_TID.exec(line) ?? HEADER_PID.exec(line);
      if (!m) {
        throw new ProfileFormatError(`Line ${i + 1} is not a perf script sample header (expected "COMM PID/TID TIME: EVENT:"): ${JSON.stringify(line.slice(0, 120))}. ` +
          'Produce the file with "perf script -F comm,pid,tid,time,event,ip,sym,dso".');
      }
      const pid = Number(m[2]);
      const tid = m[3] ?? m[2];
      pids.add(pid);
      samples++;
      keep = !options.pids || options.pids.has(pid);
      thread = keep ? builder.threadIndex({ pid: String(pid), tid, threadName: m[1].trim() }) : -1;
      leafFirst = [];
      // Without a call chain (no -g), the sample's own ip/sym/dso close the header line.
      const own = /:\s+([0-9a-fA-F]+)\s+(.*\))\s*$/.exec(line.slice(m[0].length));
      if (own) {
        const parsed = splitSymbolDso(own[2]);
        if (parsed && keep) leafFirst.push(frameOf(parseAddress(own[1]), parsed.symbol, parsed.dso));
      }
      continue;
    }
    if (!leafFirst) {
      throw new ProfileFormatError(`Line ${i + 1} is a stack line outside any sample: ${JSON.stringify(line.slice(0, 120))}.`);
    }
    const trimmed = line.trim();
    const space = trimmed.indexOf(' ');
    const addressText = space < 0 ? trimmed : trimmed.slice(0, space);
    if (!/^[0-9a-fA-F]+$/.test(addressText)) {
      throw new ProfileFormatError(`Line ${i + 1} is not a perf script stack line ("ADDRESS SYMBOL (DSO)"): ${JSON.stringify(line.slice(0, 120))}.`);
    }
    const parsed = space < 0 ? { symbol: '[unknown]', dso: '[unknown]' } : splitSymbolDso(trimmed.slice(space + 1).trim());
    if (!parsed) {
      throw new ProfileFormatError(`Line ${i + 1} has no "(DSO)" after its symbol: ${JSON.stringify(line.slice(0, 120))}. ` +
        'Produce the file with "perf script -F comm,pid,tid,time,event,ip,sym,dso".');
    }
    // All ones: where perf's unwinder gave up (the end of a DWARF stack copy), not a frame.
    if (keep && !/^f{16}$/i.test(addressText)) leafFirst.push(frameOf(parseAddress(addressText), parsed.symbol, parsed.dso));
  }
  flush();
  if (samples === 0) throw new ProfileFormatError('The perf script output holds no samples (perf recorded nothing, or this is not perf script output).');
  for (const s of counted) builder.addStack(s.frames, s.frames.map(() => 0), s.weight, s.thread);
  const metadata = options.metadata ?? { ...placeholderMetadata(0), tool: 'perf' };
  const profile = builder.build('perf', { ...options, metadata });
  return { profile, facts: { samples, resolvedByUs, unresolved, pids: [...pids] } };
}

function parseAddress(hex: string): number {
  // Kernel addresses (ffff…) exceed 2^53; they are only compared against KERNEL_START, so a rounded value is enough.
  return parseInt(hex, 16);
}

/** `SYMBOL (DSO)`: the DSO is the parenthesised group closing the text (symbols may hold parentheses too). */
function splitSymbolDso(text: string): { symbol: string; dso: string } | undefined {
  if (!text.endsWith(')')) return undefined;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 41) depth++;
    else if (c === 40 && --depth === 0) {
      const symbol = text.slice(0, i).trim();
      return { symbol: symbol === '' ? '[unknown]' : symbol.replace(/\+0x[0-9a-f]+$/i, ''), dso: text.slice(i + 1, text.length - 1) };
    }
  }
  return undefined;
}

const JIT_DSO = /(^|\/)(perf-\d+\.map|jitted-\d+-\d+\.so)$|^\/\/anon$|^\[anon/;

export function nativeKind(address: number, dso: string): FrameKind {
  if (dso.startsWith('[kernel') || dso.startsWith('[guest.kernel') || address >= KERNEL_START) return 'kernel';
  if (JIT_DSO.test(dso)) return 'jit';
  return 'native';
}
