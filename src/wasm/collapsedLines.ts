// AssemblyScript, compiled to WebAssembly by scripts/build-wasm.mjs into src/core/collapsedLinesWasm.ts.
//
// The fast path of the collapsed-stacks reader (src/core/collapsedLineScanner.ts drives it): a line whose frames are
// all plain (`name (file:LINE)`, `name (file)`, `name`; no thread or process root, no `;` inside a frame, no NUL) is
// read here, straight from the file's bytes, and every frame text is looked up among those seen before. Only a text
// seen for the first time goes back to JavaScript, which decodes and parses it once and adds it (addFrame).
//
// In JavaScript this reader spent more than the whole read-and-split floor on scanning bytes one at a time and on
// cache misses of its lookups: here lines and frames are cut 16 bytes at a time (SIMD), keys are compared 8 bytes at
// a time from a compact arena, and a line's table slots are all touched before any is compared so that their misses
// overlap.
//
// Plain lines go straight into the profile's stack columns, kept here (frames, lines, starts, weights, threads), so
// JavaScript is called only for a new frame text or a line to decline, and copies the columns out once at the end;
// the stacks of declined lines are appended by JavaScript (appendFrame, endStack), so the columns keep file order.
//
// It answers for a line exactly what the line-by-line reader would, or declines it (NOT_PLAIN) for that reader to
// read: anything it is unsure of (roots, empty frames, a count or line number of more than 15 digits, no count,
// too long a probe sequence) is declined, never guessed. The fuzz tests compare the two readers.

const SEMICOLON: u8 = 59;
const NEWLINE: u8 = 10;
const CARRIAGE_RETURN: u8 = 13;
const SPACE: u8 = 32;
const COLON: u8 = 58;
const CLOSE_PAREN: u8 = 41;

/** What read() returns besides a sample count. */
const NOT_PLAIN: f64 = -1;
const NEW_FRAME: f64 = -2;
const END: f64 = -3;

/** Counts and line numbers of more digits are declined: 15 digits always fit a double exactly. */
const MAX_DIGITS: i32 = 15;
/** Linear probes before a line is declined: only crafted collisions get there, and the line reader copes with them. */
const MAX_PROBES: i32 = 128;
/** Bytes after the input, all newlines: the 16-byte scans may read past its end and stop there. */
const PADDING: usize = 32;

// The results of run() and resume(), doubles at resultsAt(): their slots, exported so JavaScript takes them from here.
export const LINE_START: i32 = 0;
export const LINE_END: i32 = 1;
export const NEXT_LINE: i32 = 2;
export const NEW_FROM: i32 = 3;
export const NEW_TO: i32 = 4;
export const NEW_COLON: i32 = 5;
/** 1-based number of the line last begun (of a declined line: what the line reader's errors name). */
export const LINE_NUMBER: i32 = 6;
export const RESULT_SLOTS: i32 = 16;

/** The largest sample total a double holds exactly: a line past it is declined, and the line reader says so. */
const MAX_TOTAL: f64 = 9007199254740991;

let input: usize = 0;
let inputLength: usize = 0;
let results: usize = 0;

/** Per frame of the line being read: its frame (i32) and line (f64), appended to the columns when the line is done. */
let framesOut: usize = 0;
let linesOut: usize = 0;
/** Per frame of the line being read, between the two passes: where it starts and ends, its colon, its key's hash. */
let cutStart: usize = 0;
let cutEnd: usize = 0;
let cutColon: usize = 0;
let cutHash: usize = 0;
let perLineCapacity: i32 = 0;

/** The stack columns: per stack its first position (starts, one more at the end), weight and thread (-1). */
let colStarts: usize = 0;
let colWeights: usize = 0;
let colThreads: usize = 0;
let stackCapacity: i32 = 0;
let stacks: i32 = 0;
/** Per position: frame (i32) and line (f64). */
let colFrames: usize = 0;
let colLines: usize = 0;
let positionCapacity: i32 = 0;
let positions: i32 = 0;
let totalWeight: f64 = 0;
let lineNumber: f64 = 0;
/** Input offset of the line after the last one read. */
let nextLine: usize = 0;

/** Keys copied out of the input, each `length: u32, frame: i32, bytes` 8-aligned: 20,000 keys stay in cache. */
let arena: usize = 0;
let arenaUsed: usize = 0;
let arenaCapacity: usize = 0;

/** Open addressing, linear probing; a slot is `hash: u32, arena offset + 1: u32` (0: empty). */
class Table {
  slots: usize = 0;
  mask: u32 = 0;
  count: u32 = 0;
}
/** Texts before the `:LINE)` suffix of frames whose line is that suffix. */
const withoutLine = new Table();
/** Every other frame text, whole. */
const whole = new Table();

/** Set by the first pass so its loads of table slots are not optimised away. */
let touched: u32 = 0;

function allocZeroed(size: usize): usize {
  const at = heap.alloc(size);
  memory.fill(at, 0, size);
  return at;
}

function initTable(table: Table, capacity: u32): void {
  table.slots = allocZeroed(<usize>capacity << 3);
  table.mask = capacity - 1;
  table.count = 0;
}

/** Makes room for `length` input bytes and returns where JavaScript copies them. Call once per instance. */
export function allocInput(length: usize): usize {
  input = heap.alloc(length + PADDING);
  inputLength = length;
  memory.fill(input + length, NEWLINE, PADDING);
  results = allocZeroed(RESULT_SLOTS << 3);
  arenaCapacity = 1 << 16;
  arena = heap.alloc(arenaCapacity);
  initTable(withoutLine, 4096);
  initTable(whole, 1024);
  growPerLine(256);
  // About one position per 32 bytes of input, and a stack per 256: doubled when a file has more.
  growStacks(<i32>max<usize>(1024, length >> 8));
  growPositions(<i32>max<usize>(4096, length >> 5));
  store<u32>(colStarts, 0);
  return input;
}

/** A new block of `size` bytes holding the `used` bytes at `from` (0: nothing yet). The old block is not reused. */
function moved(from: usize, used: usize, size: usize): usize {
  const to = heap.alloc(size);
  if (from != 0) memory.copy(to, from, used);
  return to;
}

function growStacks(capacity: i32): void {
  colStarts = moved(colStarts, (<usize>stacks + 1) << 2, (<usize>capacity + 1) << 2);
  colWeights = moved(colWeights, <usize>stacks << 3, <usize>capacity << 3);
  colThreads = moved(colThreads, <usize>stacks << 2, <usize>capacity << 2);
  stackCapacity = capacity;
}

function growPositions(capacity: i32): void {
  colFrames = moved(colFrames, <usize>positions << 2, <usize>capacity << 2);
  colLines = moved(colLines, <usize>positions << 3, <usize>capacity << 3);
  positionCapacity = capacity;
}

/** Appends one position to the stack being built (the stacks of lines JavaScript read); endStack() closes it. */
export function appendFrame(frame: i32, line: f64): void {
  if (positions == positionCapacity) growPositions(positionCapacity << 1);
  store<i32>(colFrames + (<usize>positions << 2), frame);
  store<f64>(colLines + (<usize>positions << 3), line);
  positions++;
}

/** Closes the stack of the positions appended since the last one. JavaScript checks the total stays exact. */
export function endStack(weight: f64, thread: i32): void {
  if (stacks == stackCapacity) growStacks(stackCapacity << 1);
  store<f64>(colWeights + (<usize>stacks << 3), weight);
  store<i32>(colThreads + (<usize>stacks << 2), thread);
  stacks++;
  store<u32>(colStarts + (<usize>stacks << 2), <u32>positions);
  totalWeight += weight;
}

/** Appends the plain line just read (its frames and lines in framesOut / linesOut) as a stack. */
function appendLine(n: i32, count: f64): void {
  if (positions + n > positionCapacity) growPositions(max<i32>(positionCapacity << 1, positions + n));
  memory.copy(colFrames + (<usize>positions << 2), framesOut, <usize>n << 2);
  memory.copy(colLines + (<usize>positions << 3), linesOut, <usize>n << 3);
  positions += n;
  endStack(count, -1);
}

export function stackCount(): i32 { return stacks; }
export function positionCount(): i32 { return positions; }
export function startsAt(): usize { return colStarts; }
export function weightsAt(): usize { return colWeights; }
export function threadsAt(): usize { return colThreads; }
export function framesAt(): usize { return colFrames; }
export function linesAt(): usize { return colLines; }
export function total(): f64 { return totalWeight; }

export function resultsAt(): usize {
  return results;
}

function growPerLine(capacity: i32): void {
  const frames = heap.alloc(<usize>capacity << 2);
  const lines = heap.alloc(<usize>capacity << 3);
  const starts = heap.alloc(<usize>capacity << 2);
  const ends = heap.alloc(<usize>capacity << 2);
  const colons = heap.alloc(<usize>capacity << 2);
  const hashes = heap.alloc(<usize>capacity << 2);
  if (perLineCapacity > 0) {
    const used = <usize>perLineCapacity << 2;
    memory.copy(starts, cutStart, used);
    memory.copy(ends, cutEnd, used);
    memory.copy(colons, cutColon, used);
    memory.copy(hashes, cutHash, used);
  }
  framesOut = frames;
  linesOut = lines;
  cutStart = starts;
  cutEnd = ends;
  cutColon = colons;
  cutHash = hashes;
  perLineCapacity = capacity;
}

// @ts-ignore: decorator
@inline function finish(h: u64): u32 {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  return <u32>h;
}

/** A hash of bytes[from, from + length), 8 bytes at a time (the tail word masked: the padding makes it readable). */
function hashBytes(from: usize, length: usize): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ <u64>length;
  let at = from;
  const end = from + length;
  while (at + 8 <= end) {
    h = (h ^ load<u64>(at)) * 0x9e3779b97f4a7c15;
    h = rotl<u64>(h, 31);
    at += 8;
  }
  if (at < end) {
    const tail = load<u64>(at) & ((<u64>1 << (<u64>(end - at) << 3)) - 1);
    h = (h ^ tail) * 0x9e3779b97f4a7c15;
  }
  return finish(h);
}

function sameBytes(a: usize, b: usize, length: usize): bool {
  let i: usize = 0;
  while (i + 8 <= length) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  if (i < length) {
    const mask: u64 = (<u64>1 << (<u64>(length - i) << 3)) - 1;
    if (((load<u64>(a + i) ^ load<u64>(b + i)) & mask) != 0) return false;
  }
  return true;
}

/** The frame of key bytes[from, from + length) with hash `h`: -1 when absent, -2 after MAX_PROBES. */
function find(table: Table, h: u32, from: usize, length: usize): i32 {
  let i = h & table.mask;
  for (let probes = 0; probes < MAX_PROBES; probes++) {
    const slot = table.slots + (<usize>i << 3);
    const offset = load<u32>(slot, 4);
    if (offset == 0) return -1;
    if (load<u32>(slot) == h) {
      const key = arena + <usize>offset - 1;
      if (load<u32>(key) == <u32>length && sameBytes(key + 8, from, length)) return load<i32>(key, 4);
    }
    i = (i + 1) & table.mask;
  }
  return -2;
}

function place(table: Table, h: u32, offsetPlusOne: u32): void {
  let i = h & table.mask;
  while (load<u32>(table.slots + (<usize>i << 3), 4) != 0) i = (i + 1) & table.mask;
  const slot = table.slots + (<usize>i << 3);
  store<u32>(slot, h);
  store<u32>(slot, offsetPlusOne, 4);
  table.count++;
}

function arenaAdd(from: usize, length: usize, frame: i32): u32 {
  const size: usize = (<usize>8 + length + 7) & ~(<usize>7);
  if (arenaUsed + size + 8 > arenaCapacity) {
    // Offsets are relative to the arena, so it moves without touching the tables. The 8 bytes after the last key
    // keep its masked tail load inside the arena.
    const capacity = (arenaCapacity + size) << 1;
    const moved = heap.alloc(capacity);
    memory.copy(moved, arena, arenaUsed);
    arena = moved;
    arenaCapacity = capacity;
  }
  const key = arena + arenaUsed;
  store<u32>(key, <u32>length);
  store<i32>(key, frame, 4);
  memory.copy(key + 8, from, length);
  arenaUsed += size;
  return <u32>(key - arena);
}

function add(table: Table, from: usize, length: usize, frame: i32): void {
  if ((table.count + 1) << 1 > table.mask + 1) {
    const old = table.slots;
    const oldCapacity = table.mask + 1;
    initTable(table, oldCapacity << 1);
    for (let k: u32 = 0; k < oldCapacity; k++) {
      const slot = old + (<usize>k << 3);
      const offset = load<u32>(slot, 4);
      if (offset != 0) place(table, load<u32>(slot), offset);
    }
  }
  place(table, hashBytes(from, length), arenaAdd(from, length, frame) + 1);
}

/**
 * Records a frame text first seen (input[from, to), `colon`: where its `:LINE)` starts or -1) as `frame`; with
 * `lineIsSuffix` its key is the text before the colon, so every line of the function finds it.
 */
export function addFrame(from: usize, to: usize, colon: i32, frame: i32, lineIsSuffix: bool): void {
  if (lineIsSuffix) add(withoutLine, input + from, <usize>colon - from, frame);
  else add(whole, input + from, to - from, frame);
}

/** The first `;`, newline or NUL at or after `at` (the padding's newlines end the search at the input's end). */
// @ts-ignore: decorator
@inline function nextStop(at: usize): usize {
  const semicolons = i8x16.splat(SEMICOLON);
  const newlines = i8x16.splat(NEWLINE);
  const nuls = i8x16.splat(0);
  while (true) {
    const bytes = v128.load(at);
    const hits = i8x16.bitmask(v128.or(v128.or(i8x16.eq(bytes, semicolons), i8x16.eq(bytes, newlines)), i8x16.eq(bytes, nuls)));
    if (hits != 0) return at + <usize>ctz<i32>(hits);
    at += 16;
  }
}

function lineEndFrom(at: usize): usize {
  const end = input + inputLength;
  while (at < end && load<u8>(at) != NEWLINE) at++;
  return at;
}

function setLine(lineStart: usize, lineEnd: usize): void {
  nextLine = lineEnd - input + 1;
  store<f64>(results + (LINE_START << 3), <f64>(lineStart - input));
  store<f64>(results + (LINE_END << 3), <f64>(lineEnd - input));
  store<f64>(results + (NEXT_LINE << 3), <f64>nextLine);
  store<f64>(results + (LINE_NUMBER << 3), lineNumber);
}

function decline(lineStart: usize, lineEnd: usize): f64 {
  setLine(lineStart, lineEnd == 0 ? lineEndFrom(lineStart) : lineEnd);
  return NOT_PLAIN;
}

/** Whether the line starts `process ` or `thread (`: a root, which the line reader parses. */
function startsWithRoot(at: usize): bool {
  const word = load<u64>(at);
  return word == 0x20737365636f7270 || word == 0x2820646165726874;
}

/**
 * Reads lines from input offset `start`, each plain one into the stack columns, until one needs JavaScript: NOT_PLAIN
 * for a line the line reader must read (then append its stack, and run() again from NEXT_LINE); NEW_FRAME when a
 * frame text is seen for the first time (NEW_FROM, NEW_TO, NEW_COLON: add it, then call resume()); END past the
 * input. Both set LINE_START, LINE_END (the line's newline), NEXT_LINE and LINE_NUMBER.
 */
export function run(start: usize): f64 {
  let at = start;
  while (at < inputLength) {
    lineNumber++;
    const count = readLine(at);
    if (count < 0) return count;
    at = nextLine;
  }
  return END;
}

/** Goes on with the line of the last NEW_FRAME, from that frame, then with the lines after it; answers as run() does. */
export function resume(): f64 {
  const count = findFrames(pendingFrame);
  if (count < 0) return count;
  return run(nextLine);
}

/**
 * Reads the line at `start`: appends it and returns its count, or returns NOT_PLAIN or NEW_FRAME (the line pending).
 */
function readLine(start: usize): f64 {
  const limit = input + inputLength;
  const lineStart = input + start;
  if (startsWithRoot(lineStart)) return decline(lineStart, 0);

  // First pass: cut the frames and hash their keys.
  let at = lineStart;
  let n: i32 = 0;
  let count: f64 = 0;
  let lineEnd: usize = 0;
  while (true) {
    let stop = nextStop(at);
    if (stop > limit) stop = limit;
    const c = stop < limit ? load<u8>(stop) : NEWLINE;
    if (c == 0) return decline(lineStart, 0);
    let frameEnd = stop;
    if (c == NEWLINE) {
      lineEnd = stop;
      let end = stop;
      if (end > at && load<u8>(end - 1) == CARRIAGE_RETURN) end--;
      // The count: the digits after the line's last space.
      let space = end;
      let digits = 0;
      let value: f64 = 0;
      let scale: f64 = 1;
      while (space > at) {
        const digit = <i32>load<u8>(space - 1) - 48;
        if (digit < 0 || digit > 9) break;
        value += <f64>digit * scale;
        scale *= 10;
        space--;
        digits++;
      }
      if (digits == 0 || digits > MAX_DIGITS || space <= at || load<u8>(space - 1) != SPACE) return decline(lineStart, lineEnd);
      frameEnd = space - 1;
      count = value;
    }
    if (frameEnd == at) return decline(lineStart, lineEnd); // an empty frame: the line reader says where
    // The `:` of a `:DIGITS)` suffix (at least one digit, not the frame's first byte), or -1.
    let colon: isize = -1;
    if (load<u8>(frameEnd - 1) == CLOSE_PAREN) {
      let i = frameEnd - 2;
      while (i > at) {
        const d = load<u8>(i);
        if (d < 48 || d > 57) break;
        i--;
      }
      if (i < frameEnd - 2 && i > at && load<u8>(i) == COLON) colon = <isize>i;
    }
    if (colon >= 0 && <i32>(frameEnd - 2 - <usize>colon) > MAX_DIGITS) return decline(lineStart, lineEnd);
    const h = hashBytes(at, (colon >= 0 ? <usize>colon : frameEnd) - at);
    if (n == perLineCapacity) growPerLine(perLineCapacity << 1);
    const k = <usize>n << 2;
    store<u32>(cutStart + k, <u32>(at - input));
    store<u32>(cutEnd + k, <u32>(frameEnd - input));
    store<i32>(cutColon + k, colon >= 0 ? <i32>(<usize>colon - input) : -1);
    store<u32>(cutHash + k, h);
    n++;
    if (c == NEWLINE) break;
    at = stop + 1;
  }
  // Then load the slot each key lands on, and the key that slot points at, in two short loops: their cache misses
  // (the tables and keys outgrow the cache while the file streams through it) are then many in flight at once,
  // not one after another. framesOut holds the slots' offsets until the second pass writes the frames there.
  let touch: u32 = 0;
  for (let j = 0; j < n; j++) {
    const k = <usize>j << 2;
    const table = load<i32>(cutColon + k) >= 0 ? withoutLine : whole;
    store<u32>(framesOut + k, load<u32>(table.slots + (<usize>(load<u32>(cutHash + k) & table.mask) << 3), 4));
  }
  for (let j = 0; j < n; j++) {
    const offset = load<u32>(framesOut + (<usize>j << 2));
    if (offset != 0) touch += load<u32>(arena + <usize>offset - 1);
  }
  touched += touch;
  pendingStart = lineStart;
  pendingEnd = lineEnd;
  pendingCount = count;
  pendingFrames = n;
  return findFrames(0);
}

// The line readLine() cut, kept while JavaScript adds a new frame text, so that resume() goes on from that frame:
// starting the line over would make a line of n new frames cost n².
let pendingStart: usize = 0;
let pendingEnd: usize = 0;
let pendingCount: f64 = 0;
let pendingFrames: i32 = 0;
let pendingFrame: i32 = 0;

/** Second pass: finds each key from the line's `first` frame on; a frame's line is its `:LINE)` when its key is the text before it. */
function findFrames(first: i32): f64 {
  const lineStart = pendingStart;
  const lineEnd = pendingEnd;
  const n = pendingFrames;
  for (let j = first; j < n; j++) {
    const k = <usize>j << 2;
    const from = input + <usize>load<u32>(cutStart + k);
    const frameEnd = input + <usize>load<u32>(cutEnd + k);
    const colonAt = load<i32>(cutColon + k);
    const h = load<u32>(cutHash + k);
    const colon = input + <usize>colonAt;
    let frame = colonAt >= 0 ? find(withoutLine, h, from, colon - from) : find(whole, h, from, frameEnd - from);
    const lineIsSuffix = colonAt >= 0 && frame >= 0;
    if (frame == -1 && colonAt >= 0) frame = find(whole, hashBytes(from, frameEnd - from), from, frameEnd - from);
    if (frame == -2) return decline(lineStart, lineEnd);
    if (frame == -1) {
      pendingFrame = j;
      setLine(lineStart, lineEnd);
      store<f64>(results + (NEW_FROM << 3), <f64>(from - input));
      store<f64>(results + (NEW_TO << 3), <f64>(frameEnd - input));
      store<f64>(results + (NEW_COLON << 3), <f64>colonAt);
      return NEW_FRAME;
    }
    store<i32>(framesOut + k, frame);
    let line: f64 = 0;
    if (lineIsSuffix) for (let i = colon + 1; i < frameEnd - 1; i++) line = line * 10 + <f64>(<i32>load<u8>(i) - 48);
    store<f64>(linesOut + (<usize>j << 3), line);
  }
  if (!(totalWeight + pendingCount <= MAX_TOTAL)) return decline(lineStart, lineEnd);
  setLine(lineStart, lineEnd);
  appendLine(n, pendingCount);
  return pendingCount;
}

/** What the first pass loaded; read by nobody, exported so the loads stay. */
export function touchedSum(): u32 {
  return touched;
}

/** The key hash of input[from, to): the tests use it to craft keys whose hashes collide. */
export function hashOfInput(from: usize, to: usize): u32 {
  return hashBytes(input + from, to - from);
}
