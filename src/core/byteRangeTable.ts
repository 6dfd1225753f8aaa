/**
 * Values keyed by byte strings, looked up by a range of a larger byte array (`bytes[from, to)`).
 *
 * Why not a Map keyed by strings: a big profile file looked up that way costs a string per lookup, the engine's own
 * hash of it (a byte at a time), and a comparison with a stored key somewhere else in the heap; on a 65 MB collapsed
 * file (1.5 million lookups among 20,000 keys) that was 0.64 s of a 1.1 s parse. Here a key is hashed and compared
 * four bytes at a time (DataView reads), the slots are one typed array (hash, key offset, key length, value: one
 * cache line per probe) and the keys sit packed in one byte pool.
 *
 * A match is always confirmed byte for byte: equal hashes never merge two keys. Crafted keys that share a hash make
 * long probe runs; a lookup gives up after PROBE_LIMIT slots and says so (`TOO_MANY_PROBES`), so the caller can
 * take its slower path and a hostile file stays linear.
 */
export const NOT_FOUND = -1;
export const TOO_MANY_PROBES = -2;
const PROBE_LIMIT = 64;

const HASH = 0;
const KEY_START = 1;
const KEY_LENGTH = 2;
/** value + 1, so an empty slot (all zero) reads as 0. */
const VALUE = 3;
const SLOT_INTS = 4;

export class ByteRangeTable {
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  private pool: Uint8Array;
  private poolView: DataView;
  private poolLength = 0;

  constructor(
    initialSlots = 1024,
    /** Tests give a weak hash to make keys collide; everything else keeps the default. */
    private readonly hash: (bytes: Uint8Array, view: DataView, from: number, to: number) => number = rangeHash,
  ) {
    const capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialSlots)));
    this.slots = new Int32Array(capacity * SLOT_INTS);
    this.mask = capacity - 1;
    this.pool = new Uint8Array(16 * 1024);
    this.poolView = new DataView(this.pool.buffer);
  }

  get size(): number {
    return this.count;
  }

  /**
   * The value stored for `bytes[from, to)`, NOT_FOUND, or TOO_MANY_PROBES. `view` is a DataView over `bytes` (same
   * buffer and offset), made once by the caller.
   */
  get(bytes: Uint8Array, view: DataView, from: number, to: number): number {
    const hash = this.hash(bytes, view, from, to);
    const slots = this.slots;
    const length = to - from;
    let slot = hash & this.mask;
    for (let probes = 0; probes < PROBE_LIMIT; probes++) {
      const at = slot * SLOT_INTS;
      const value = slots[at + VALUE];
      if (value === 0) return NOT_FOUND;
      if (slots[at + HASH] === hash && slots[at + KEY_LENGTH] === length) {
        // The key compared here, not in a method: V8 did not inline one, and the call cost ~15% of a big parse.
        const pool = this.poolView;
        const offset = slots[at + KEY_START] - from;
        let i = from;
        while (i + 4 <= to && view.getInt32(i, true) === pool.getInt32(i + offset, true)) i += 4;
        if (i + 4 > to) {
          while (i < to && bytes[i] === this.pool[i + offset]) i++;
          if (i === to) return value - 1;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    return TOO_MANY_PROBES;
  }

  /**
   * Stores `value` (≥ 0) for `bytes[from, to)`, a key not in the table (call after `get` said NOT_FOUND). Returns
   * false, storing nothing, when the key's probe run is too long (see TOO_MANY_PROBES).
   */
  add(bytes: Uint8Array, view: DataView, from: number, to: number, value: number): boolean {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const hash = this.hash(bytes, view, from, to);
    const length = to - from;
    const slot = this.freeSlot(hash);
    if (slot < 0) return false;
    const keyStart = this.storeKey(bytes, from, length);
    const at = slot * SLOT_INTS;
    this.slots[at + HASH] = hash;
    this.slots[at + KEY_START] = keyStart;
    this.slots[at + KEY_LENGTH] = length;
    this.slots[at + VALUE] = value + 1;
    this.count++;
    return true;
  }

  private freeSlot(hash: number): number {
    let slot = hash & this.mask;
    for (let probes = 0; probes < PROBE_LIMIT; probes++) {
      if (this.slots[slot * SLOT_INTS + VALUE] === 0) return slot;
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }

  private storeKey(bytes: Uint8Array, from: number, length: number): number {
    if (this.poolLength + length > this.pool.length) {
      const bigger = new Uint8Array(Math.max(this.pool.length * 2, this.poolLength + length));
      bigger.set(this.pool.subarray(0, this.poolLength));
      this.pool = bigger;
      this.poolView = new DataView(bigger.buffer);
    }
    this.pool.set(bytes.subarray(from, from + length), this.poolLength);
    const start = this.poolLength;
    this.poolLength += length;
    return start;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let at = 0; at < old.length; at += SLOT_INTS) {
      if (old[at + VALUE] === 0) continue;
      let slot = old[at + HASH] & this.mask;
      // A run longer than the limit after growing only makes those keys unreachable by `get` (it says
      // TOO_MANY_PROBES for them), never wrong.
      while (this.slots[slot * SLOT_INTS + VALUE] !== 0) slot = (slot + 1) & this.mask;
      this.slots.set(old.subarray(at, at + SLOT_INTS), slot * SLOT_INTS);
    }
  }
}

/** FNV-1a over 32-bit words (the tail a byte at a time), then a final mix so the low bits that pick a slot vary. */
function rangeHash(bytes: Uint8Array, view: DataView, from: number, to: number): number {
  let hash = 0x811c9dc5 | 0;
  let i = from;
  for (; i + 4 <= to; i += 4) hash = Math.imul(hash ^ view.getInt32(i, true), 16777619);
  for (; i < to; i++) hash = Math.imul(hash ^ bytes[i], 16777619);
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  return hash ^ (hash >>> 12);
}
