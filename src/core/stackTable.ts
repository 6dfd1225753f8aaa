import type { StackSample, StackTable } from './profileModel';

/** Where a parser puts its stacks, one position at a time, each stack closed with its weight and thread. */
export interface StackStore {
  addFrame(frame: number, line: number): void;
  endStack(weight: number, thread: number): void;
  /** Σ weights of the stacks so far. */
  readonly totalWeight: number;
  build(): StackTable;
}

/**
 * Builds a StackTable by appending stacks. Columns grow by doubling and are cut to size by build(), so a profile of
 * 200,000 stacks is a handful of typed arrays rather than 600,000 objects the garbage collector must copy.
 */
export class StackTableBuilder implements StackStore {
  private starts = new Uint32Array(1024);
  private frames = new Int32Array(4096);
  private lines = new Float64Array(4096);
  private weights = new Float64Array(1024);
  private threads = new Int32Array(1024);
  private stackCount = 0;
  private frameCount = 0;
  totalWeight = 0;

  get length(): number {
    return this.stackCount;
  }

  /** Appends one frame to the stack being built; endStack() closes it. */
  addFrame(frame: number, line: number): void {
    if (this.frameCount === this.frames.length) this.growFrames(this.frameCount + 1);
    this.frames[this.frameCount] = frame;
    this.lines[this.frameCount] = line;
    this.frameCount++;
  }

  /** Closes the stack made of the frames added since the last one. */
  endStack(weight: number, thread: number): void {
    const i = this.stackCount;
    if (i + 1 === this.starts.length) {
      this.starts = grown(this.starts, 2 * this.starts.length);
      this.weights = grown(this.weights, this.starts.length);
      this.threads = grown(this.threads, this.starts.length);
    }
    this.weights[i] = weight;
    this.threads[i] = thread;
    this.totalWeight += weight;
    this.stackCount = i + 1;
    this.starts[i + 1] = this.frameCount;
  }

  /** Appends the stack frames[from, to) with lines[from, to). */
  add(frames: ArrayLike<number>, lines: ArrayLike<number>, weight: number, thread: number, from = 0, to = frames.length): void {
    const n = to - from;
    if (this.frameCount + n > this.frames.length) this.growFrames(this.frameCount + n);
    const at = this.frameCount;
    for (let k = 0; k < n; k++) {
      this.frames[at + k] = frames[from + k];
      this.lines[at + k] = lines[from + k];
    }
    this.frameCount += n;
    this.endStack(weight, thread);
  }

  /** The table, its columns copied to their final size (the builder may be dropped or reused). */
  build(): StackTable {
    const n = this.stackCount;
    return {
      length: n,
      starts: this.starts.slice(0, n + 1),
      frames: this.frames.slice(0, this.frameCount),
      lines: this.lines.slice(0, this.frameCount),
      weights: this.weights.slice(0, n),
      threads: this.threads.slice(0, n),
    };
  }

  private growFrames(atLeast: number): void {
    const size = Math.max(atLeast, 2 * this.frames.length);
    this.frames = grown(this.frames, size);
    this.lines = grown(this.lines, size);
  }
}

function grown<T extends Uint32Array | Int32Array | Float64Array>(column: T, size: number): T {
  const next = new (column.constructor as new (n: number) => T)(size);
  next.set(column);
  return next;
}

/** A table of these stacks (tests, and transforms that work stack by stack). */
export function stackTableOf(samples: readonly StackSample[]): StackTable {
  const builder = new StackTableBuilder();
  for (const s of samples) builder.add(s.frames, s.lines, s.weight, s.thread);
  return builder.build();
}

/** An empty table. */
export function emptyStackTable(): StackTable {
  return new StackTableBuilder().build();
}

/** Stack i's frame indices, root first: a view into the table, not a copy. */
export function stackFrames(table: StackTable, i: number): Int32Array {
  return table.frames.subarray(table.starts[i], table.starts[i + 1]);
}

/** Stack i's lines, one per frame: a view into the table, not a copy. */
export function stackLines(table: StackTable, i: number): Float64Array {
  return table.lines.subarray(table.starts[i], table.starts[i + 1]);
}

/** Stack i as an object of plain arrays. */
export function stackSample(table: StackTable, i: number): StackSample {
  return {
    frames: Array.from(stackFrames(table, i)),
    lines: Array.from(stackLines(table, i)),
    weight: table.weights[i],
    thread: table.threads[i],
  };
}

/** Every stack as an object of plain arrays: for small tables (tests, exports that list stacks). */
export function stackSamplesOf(table: StackTable): StackSample[] {
  const out: StackSample[] = new Array(table.length);
  for (let i = 0; i < table.length; i++) out[i] = stackSample(table, i);
  return out;
}

/** Sum of the weights of the stacks (of one thread when thread >= 0). */
export function stackWeightSum(table: StackTable, thread = -1): number {
  let total = 0;
  for (let i = 0; i < table.length; i++) if (thread < 0 || table.threads[i] === thread) total += table.weights[i];
  return total;
}

/** Per frame, the smallest positive line any stack shows it at, 0 if none. */
export function smallestLines(table: StackTable, frameCount: number): Float64Array {
  const smallest = new Float64Array(frameCount);
  const { frames, lines } = table;
  for (let at = 0; at < frames.length; at++) {
    const line = lines[at];
    if (line > 0) {
      const f = frames[at];
      if (smallest[f] === 0 || line < smallest[f]) smallest[f] = line;
    }
  }
  return smallest;
}
