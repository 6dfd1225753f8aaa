/**
 * Values keyed by strings, looked up by a range of a larger string (`text[from, to)`) without slicing it out.
 *
 * Why not a Map keyed by `text.slice(from, to)`: a collapsed-stacks file has millions of frames over a few thousand
 * distinct frame texts, and each Map lookup with a fresh slice costs a string allocation, a hash computed in the
 * runtime and pointer chases into a 100 MB text (~1 µs a frame on a shared VM: 80% of the parse). Here the scan
 * computes the hash, the table is typed arrays, and the keys' characters sit together in one array, so a hit is
 * checked char by char against a compact copy (two different texts never share an entry).
 *
 * Open addressing with linear probing, at most half full. The hash is seeded per table, so a file cannot be crafted
 * in advance to make its frame texts collide.
 */
export class SubstringTable {
  private readonly values: number[] = [];
  /** Entry i's key is keyChars[keyStarts[i], keyStarts[i + 1]). */
  private readonly keyStarts: number[] = [0];
  private keyChars = new Uint16Array(INITIAL_KEY_CHARS);
  /** Slot s is slots[2s] = its key's hash and slots[2s + 1] = its entry + 1 (0: empty): one cache line per probe. */
  private slots = new Int32Array(2 * INITIAL_SLOTS);
  private readonly seed = (Math.random() * 0x100000000) | 0;

  get size(): number {
    return this.values.length;
  }

  /** The value stored for `text.slice(from, to)`, or -1. */
  get(text: string, from: number, to: number): number {
    const entry = this.entryOf(text, from, to, this.hashRange(text, from, to));
    return entry < 0 ? -1 : this.values[entry];
  }

  /** Stores `value` for `key`, replacing the value it had. */
  set(key: string, value: number): void {
    const hash = this.hashRange(key, 0, key.length);
    const entry = this.entryOf(key, 0, key.length, hash);
    if (entry >= 0) {
      this.values[entry] = value;
      return;
    }
    if (4 * (this.values.length + 1) > this.slots.length) this.growSlots();
    const start = this.keyStarts[this.values.length];
    if (start + key.length > this.keyChars.length) {
      const chars = new Uint16Array(Math.max(2 * this.keyChars.length, start + key.length));
      chars.set(this.keyChars);
      this.keyChars = chars;
    }
    for (let i = 0; i < key.length; i++) this.keyChars[start + i] = key.charCodeAt(i);
    this.keyStarts.push(start + key.length);
    this.values.push(value);
    this.place(hash, this.values.length);
  }

  private entryOf(text: string, from: number, to: number, hash: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot + 1] - 1;
      if (entry < 0) return -1;
      if (slots[2 * slot] === hash && this.keyEquals(entry, text, from, to)) return entry;
    }
  }

  private keyEquals(entry: number, text: string, from: number, to: number): boolean {
    const start = this.keyStarts[entry];
    if (this.keyStarts[entry + 1] - start !== to - from) return false;
    const chars = this.keyChars;
    for (let i = from; i < to; i++) {
      if (text.charCodeAt(i) !== chars[start + i - from]) return false;
    }
    return true;
  }

  private place(hash: number, entryPlusOne: number): void {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let slot = hash & mask;
    while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
    slots[2 * slot] = hash;
    slots[2 * slot + 1] = entryPlusOne;
  }

  private growSlots(): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * old.length);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] !== 0) this.place(old[i], old[i + 1]);
    }
  }

  /**
   * FNV-1a over the UTF-16 code units, from the table's seed, then mixed (murmur3's finaliser) so that the low bits
   * the slot is taken from depend on every bit of every code unit.
   */
  private hashRange(text: string, from: number, to: number): number {
    let hash = this.seed ^ 0x811c9dc5;
    for (let i = from; i < to; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
    return hash ^ (hash >>> 16);
  }
}

const INITIAL_SLOTS = 1024;
const INITIAL_KEY_CHARS = 16384;
