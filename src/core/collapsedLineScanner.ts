import { COLLAPSED_LINES_WASM } from './collapsedLinesWasm';
import { onFirstUse } from './onFirstUse';
import type { StackTable } from './profileModel';
import type { StackStore } from './stackTable';

/**
 * The fast path of the collapsed-stacks reader: the WebAssembly module compiled from src/wasm/collapsedLines.ts reads
 * each plain line (`name (file:LINE)`, `name (file)`, `name` frames; no roots) straight from the file's bytes and
 * looks its frame texts up among those seen before. A frame text seen for the first time comes back here once, to be
 * decoded and parsed by the caller (`resolve`); a line the module is unsure of is declined (NOT_PLAIN) for the
 * line-by-line reader. The fuzz tests compare the two readers.
 */
export const NOT_PLAIN = -1;
const NEW_FRAME = -2;
export const END_OF_INPUT = -3;

/** What a frame text first seen resolves to; `undefined` declines the line (the line reader must handle it). */
export interface FrameResolution {
  readonly frame: number;
  /**
   * Whether the frame is the text before its `:LINE)` suffix at that line, so every text with the same part before
   * the colon is the same frame (not so for a bare name such as `g(x.py:3)`).
   */
  readonly lineIsSuffix: boolean;
}

interface CollapsedLinesExports {
  readonly memory: WebAssembly.Memory;
  allocInput(length: number): number;
  resultsAt(): number;
  run(start: number): number;
  resume(): number;
  addFrame(from: number, to: number, colon: number, frame: number, lineIsSuffix: boolean): void;
  appendFrame(frame: number, line: number): void;
  endStack(weight: number, thread: number): void;
  stackCount(): number;
  positionCount(): number;
  startsAt(): number;
  weightsAt(): number;
  threadsAt(): number;
  framesAt(): number;
  linesAt(): number;
  total(): number;
  hashOfInput(from: number, to: number): number;
}

/** The slots of the module's results, as it exports them. */
const RESULT_SLOT_NAMES = ['LINE_START', 'LINE_END', 'NEXT_LINE', 'NEW_FROM', 'NEW_TO', 'NEW_COLON', 'LINE_NUMBER', 'RESULT_SLOTS'] as const;
type ResultSlots = Readonly<Record<typeof RESULT_SLOT_NAMES[number], number>>;

function resultSlots(exports: WebAssembly.Exports): ResultSlots {
  return Object.fromEntries(RESULT_SLOT_NAMES.map(name => [name, (exports[name] as WebAssembly.Global).value as number])) as ResultSlots;
}

const compiledModule = onFirstUse(() => new WebAssembly.Module(decodeBase64(COLLAPSED_LINES_WASM)));

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const chars = atob(text);
  const bytes = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
  return bytes;
}

/**
 * The module's instance over one input. It is also the store of the profile's stacks (StackStore): plain lines go
 * into its columns as it reads them, the stacks of the lines JavaScript reads are appended in between, and
 * stackTable() copies the columns out at the end.
 */
export class CollapsedLineScanner implements StackStore {
  private readonly exports: CollapsedLinesExports;
  private readonly slots: ResultSlots;
  private readonly inputAt: number;
  private readonly inputLength: number;
  private inputView!: Uint8Array;
  private results!: Float64Array;

  /** The line to read in JavaScript: input offsets of its start and its newline (the input's length for a last line without). */
  lineStart = 0;
  lineEnd = 0;
  /** Where the line after it starts. */
  next = 0;
  /** Its 1-based number in the input. */
  lineNumber = 0;

  /**
   * A new instance of the module (dropped with this scanner) with room for `length` input bytes, which the caller
   * writes into `input` before the first read: a file can be read straight there, with no copy of its own. Throws a
   * WebAssembly.RuntimeError when the module cannot get the memory.
   */
  constructor(length: number) {
    const instance = new WebAssembly.Instance(compiledModule(), {
      env: { abort: () => { throw new WebAssembly.RuntimeError('the collapsed-stacks reader aborted'); } },
    });
    this.exports = instance.exports as unknown as CollapsedLinesExports;
    this.slots = resultSlots(instance.exports);
    this.inputAt = this.exports.allocInput(length);
    this.inputLength = length;
    this.refreshViews();
  }

  /** A scanner of a copy of `bytes`. */
  static of(bytes: Uint8Array): CollapsedLineScanner {
    const scanner = new CollapsedLineScanner(bytes.length);
    scanner.input.set(bytes);
    return scanner;
  }

  private claimed = false;

  /**
   * Takes the scanner for one parse. Its tables hold the frame numbers of the profile being built: a second parse
   * through them would mix two profiles' frames, so it is refused.
   */
  claim(): void {
    if (this.claimed) throw new Error('This collapsed-stacks input was parsed already: read the file again to parse it again.');
    this.claimed = true;
  }

  /** The input, in the module's memory: a view that is replaced when the memory grows, so take it anew after a read. */
  get input(): Uint8Array {
    if (this.inputView.length === 0 && this.inputLength > 0) this.refreshViews();
    return this.inputView;
  }

  /**
   * Reads the lines from input offset `start`, every plain one into the stack columns, up to the first that the
   * line reader must read: returns NOT_PLAIN with lineStart, lineEnd, next and lineNumber set for it (append its
   * stack, then go on from `next`), or END_OF_INPUT. `resolve` is asked for each frame text input[from, to) seen for
   * the first time (`colon`: where its `:LINE)` starts, or -1); declining one declines its line.
   */
  readPlainLines(start: number, resolve: (from: number, to: number, colon: number) => FrameResolution | undefined): number {
    const wasm = this.exports;
    let lastNew = -1;
    for (let answer = wasm.run(start); ; answer = wasm.resume()) {
      // A view's length drops to 0 when the module grew its memory (the old buffer is detached).
      if (this.results.length === 0) this.refreshViews();
      if (answer === END_OF_INPUT) return answer;
      const results = this.results;
      const slots = this.slots;
      this.lineStart = results[slots.LINE_START];
      this.lineEnd = results[slots.LINE_END];
      this.next = results[slots.NEXT_LINE];
      this.lineNumber = results[slots.LINE_NUMBER];
      if (answer !== NEW_FRAME) return NOT_PLAIN;
      const from = results[slots.NEW_FROM];
      const to = results[slots.NEW_TO];
      const colon = results[slots.NEW_COLON];
      // A text added and asked for again would loop forever: a bug of the module, reported, not hung on.
      if (from === lastNew) throw new Error(`The collapsed-stacks fast path asked twice for the frame text at byte ${from}.`);
      lastNew = from;
      const resolved = resolve(from, to, colon);
      if (resolved === undefined) return NOT_PLAIN;
      wasm.addFrame(from, to, colon, resolved.frame, resolved.lineIsSuffix);
    }
  }

  /** Appends a position to the stack being built (of a line read in JavaScript); endStack() closes it. */
  addFrame(frame: number, line: number): void {
    this.exports.appendFrame(frame, line);
  }

  endStack(weight: number, thread: number): void {
    this.exports.endStack(weight, thread);
  }

  /** Σ weights of the stacks so far. */
  get totalWeight(): number {
    return this.exports.total();
  }

  /** The stacks read so far, copied out of the module's memory. */
  build(): StackTable {
    const wasm = this.exports;
    const buffer = wasm.memory.buffer;
    const stacks = wasm.stackCount();
    const positions = wasm.positionCount();
    return {
      length: stacks,
      starts: new Uint32Array(buffer, wasm.startsAt(), stacks + 1).slice(),
      frames: new Int32Array(buffer, wasm.framesAt(), positions).slice(),
      lines: new Float64Array(buffer, wasm.linesAt(), positions).slice(),
      weights: new Float64Array(buffer, wasm.weightsAt(), stacks).slice(),
      threads: new Int32Array(buffer, wasm.threadsAt(), stacks).slice(),
    };
  }

  /** The module's key hash of input[from, to) (the tests craft colliding keys with it). */
  hashOf(from: number, to: number): number {
    return this.exports.hashOfInput(from, to) >>> 0;
  }

  private refreshViews(): void {
    const buffer = this.exports.memory.buffer;
    this.inputView = new Uint8Array(buffer, this.inputAt, this.inputLength);
    this.results = new Float64Array(buffer, this.exports.resultsAt(), this.slots.RESULT_SLOTS);
  }
}
