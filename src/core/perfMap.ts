import { ProfileFormatError } from './profileErrors';

/**
 * A perf map (`/tmp/perf-PID.map`, written by `python -X perf`, 3.12+): one line per code object trampoline,
 * `START SIZE NAME` with START and SIZE in hex without 0x, e.g. `7fbc67bad2a6 b py::hot_loop:/abs/w.py`.
 * The interpreter appends a line whenever it first runs a code object, so a function defined late in the run is
 * found at the end of the file; the map is read after the run, when it holds every function the run executed.
 *
 * Addresses are user-space (below 2^47 on x86-64/aarch64), so they fit a JS number exactly.
 */
export interface CodeSymbol {
  readonly start: number;
  readonly size: number;
  /** As written: `py::qualname:/abs/file.py` for Python code. */
  readonly name: string;
  /** Position in the file (or jitdump): when two entries cover an address, the later one wins. */
  readonly order: number;
}

const MAP_LINE = /^([0-9a-fA-F]+) ([0-9a-fA-F]+) (.+)$/;

/** Parses a perf map; throws ProfileFormatError naming the first line that is not `HEX HEX NAME`. */
export function parsePerfMap(text: string, fileName = 'perf map'): CodeSymbol[] {
  const symbols: CodeSymbol[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line === '') continue;
    const m = MAP_LINE.exec(line);
    const start = m ? parseInt(m[1], 16) : NaN;
    const size = m ? parseInt(m[2], 16) : NaN;
    if (!m || !Number.isSafeInteger(start) || !Number.isSafeInteger(size) || m[1].length > 16 || m[2].length > 16) {
      throw new ProfileFormatError(`${fileName} line ${i + 1} is not a perf map entry ("START SIZE NAME" in hex): ${JSON.stringify(line.slice(0, 120))}.`);
    }
    symbols.push({ start, size, name: m[3], order: symbols.length });
  }
  return symbols;
}

/**
 * Address → symbol over perf map and jitdump entries. Entries are sorted by start; a lookup finds the entries
 * starting at or below the address and keeps the latest-written one that covers it (the interpreter may reuse an
 * address range for a code object created later). Addresses no entry covers give undefined.
 */
export class CodeSymbolIndex {
  private readonly sorted: CodeSymbol[];
  private readonly maxSize: number;

  constructor(symbols: readonly CodeSymbol[]) {
    this.sorted = [...symbols].sort((a, b) => a.start - b.start || a.order - b.order);
    this.maxSize = this.sorted.reduce((m, s) => Math.max(m, s.size), 0);
  }

  get size(): number {
    return this.sorted.length;
  }

  lookup(address: number): CodeSymbol | undefined {
    const s = this.sorted;
    let lo = 0, hi = s.length - 1, last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid].start <= address) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let best: CodeSymbol | undefined;
    for (let i = last; i >= 0 && s[i].start + this.maxSize > address; i--) {
      const e = s[i];
      if (address < e.start + e.size && (!best || e.order > best.order)) best = e;
    }
    return best;
  }
}

/** `py::qualname:/abs/file.py` → its parts; undefined for names that are not Python code. */
export function pythonSymbol(name: string): { qualname: string; file: string } | undefined {
  if (!name.startsWith('py::')) return undefined;
  const rest = name.slice(4);
  const colon = rest.indexOf(':');
  if (colon <= 0) return { qualname: rest, file: '' };
  return { qualname: rest.slice(0, colon), file: rest.slice(colon + 1) };
}
