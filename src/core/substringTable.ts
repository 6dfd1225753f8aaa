/**
 * Values keyed by strings, looked up by a range of a larger string (`text[from, to)`) without slicing it out.
 *
 * Why not a Map keyed by `text.slice(from, to)`: a collapsed-stacks file has millions of frames over a few thousand
 * distinct frame texts, and each Map lookup with a fresh slice costs a string allocation, a hash computed in the
 * runtime and pointer chases through the heap and into a 100 MB text (~1 µs a frame on a shared VM: most of the
 * parse). Here the scan computes the hash, and a lookup touches one slot (hash, where the key's characters are,
 * the value) and a compact copy of the key's characters, checked char by char: two different texts never share an
 * entry.
 *
 * Open addressing with linear probing, at most half full. The hash is seeded per table, so a file cannot be crafted
 * in advance to make its frame texts collide.
 */
export class SubstringTable {
  /** Every key's characters, one after the other. */
  private keyChars = new Uint16Array(INITIAL_KEY_CHARS);
  private keyCharsUsed = 0;
  private entries = 0;
  /**
   * SLOT_INTS per slot: the key's hash, its start in keyChars, its length + 1 (0: an empty slot) and the value.
   * Everything a lookup needs before comparing characters is in one cache line.
   */
  private slots = new Int32Array(SLOT_INTS * INITIAL_SLOTS);
  private readonly seed = (Math.random() * 0x100000000) | 0;

  get size(): number {
    return this.entries;
  }

  /** The value stored for `text.slice(from, to)`, or -1. */
  get(text: string, from: number, to: number): number {
    const slot = this.slotOf(text, from, to, this.hashRange(text, from, to));
    return this.slots[slot + 2] === 0 ? -1 : this.slots[slot + 3];
  }

  /** Stores `value` (an integer in [0, 2^31)) for `key`, replacing the value it had. */
  set(key: string, value: number): void {
    const hash = this.hashRange(key, 0, key.length);
    let slot = this.slotOf(key, 0, key.length, hash);
    if (this.slots[slot + 2] === 0) {
      if (2 * (this.entries + 1) > this.slots.length >> SLOT_SHIFT) {
        this.growSlots();
        slot = this.slotOf(key, 0, key.length, hash);
      }
      const start = this.keyCharsUsed;
      if (start + key.length > this.keyChars.length) {
        const chars = new Uint16Array(Math.max(2 * this.keyChars.length, start + key.length));
        chars.set(this.keyChars);
        this.keyChars = chars;
      }
      for (let i = 0; i < key.length; i++) this.keyChars[start + i] = key.charCodeAt(i);
      this.keyCharsUsed += key.length;
      this.entries++;
      this.slots[slot] = hash;
      this.slots[slot + 1] = start;
      this.slots[slot + 2] = key.length + 1;
    }
    this.slots[slot + 3] = value;
  }

  /** The slot (its index in `slots`) holding text[from, to), or the empty slot where it would go. */
  private slotOf(text: string, from: number, to: number, hash: number): number {
    const slots = this.slots;
    const mask = (slots.length >> SLOT_SHIFT) - 1;
    const lengthPlusOne = to - from + 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = SLOT_INTS * i;
      const slotLength = slots[slot + 2];
      if (slotLength === 0) return slot;
      if (slots[slot] === hash && slotLength === lengthPlusOne && this.sameChars(slots[slot + 1], text, from, to)) return slot;
    }
  }

  private sameChars(start: number, text: string, from: number, to: number): boolean {
    const chars = this.keyChars;
    for (let i = from; i < to; i++) {
      if (text.charCodeAt(i) !== chars[start + i - from]) return false;
    }
    return true;
  }

  private growSlots(): void {
    const old = this.slots;
    const slots = new Int32Array(2 * old.length);
    const mask = (slots.length >> SLOT_SHIFT) - 1;
    for (let slot = 0; slot < old.length; slot += SLOT_INTS) {
      if (old[slot + 2] === 0) continue;
      let i = old[slot] & mask;
      while (slots[SLOT_INTS * i + 2] !== 0) i = (i + 1) & mask;
      slots.set(old.subarray(slot, slot + SLOT_INTS), SLOT_INTS * i);
    }
    this.slots = slots;
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

const SLOT_SHIFT = 2;
const SLOT_INTS = 1 << SLOT_SHIFT;
const INITIAL_SLOTS = 1024;
const INITIAL_KEY_CHARS = 16384;
