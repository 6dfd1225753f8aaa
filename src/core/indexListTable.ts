/** What IndexListTable.idOf answers for a new list its `admit` check refused. */
export const NOT_ADMITTED = -1;

/**
 * Ids for lists of frame indices (a speedscope sample's stack), numbered in the order first seen.
 *
 * Why not a Map from a numeric hash to buckets of the parsed arrays: a 100 MB speedscope file has millions of
 * samples over a few thousand distinct stacks, and finding each sample's stack chased five pointers through a heap of
 * a gigabyte (map entry, bucket, entry, array, elements). Here the slots are one typed array and every distinct list
 * is copied into another, so a sample is hashed, finds its slot, and is compared element by element with a compact
 * copy: two different lists never share an id.
 *
 * Open addressing with linear probing, at most half full. The hash is seeded per table, so a file cannot be crafted
 * in advance to make its stacks collide.
 */
export class IndexListTable {
  /** List i is numbers[starts[i], starts[i + 1]). */
  private numbers = new Int32Array(INITIAL_NUMBERS);
  private readonly starts: number[] = [0];
  /** Slot s is slots[2s] = its list's hash and slots[2s + 1] = its id + 1 (0: empty): one cache line per probe. */
  private slots = new Int32Array(2 * INITIAL_SLOTS);
  private readonly seed = (Math.random() * 0x100000000) | 0;

  get size(): number {
    return this.starts.length - 1;
  }

  /**
   * The id of `list`; a new list gets the next id (`size` before). A list seen before is known valid, so `admit` (the
   * caller's check of the elements: integers in [0, 2^31)) runs only for a list not yet in the table, and a list it
   * refuses gets NOT_ADMITTED and is not stored. Before the check, elements are only read, hashed and compared with
   * `!==` against stored valid numbers, so an invalid list can never match one.
   */
  idOf(list: readonly unknown[], admit: (list: readonly unknown[]) => boolean = () => true): number {
    const hash = this.hash(list);
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let slot = hash & mask;
    for (; slots[2 * slot + 1] !== 0; slot = (slot + 1) & mask) {
      const id = slots[2 * slot + 1] - 1;
      if (slots[2 * slot] === hash && this.listEquals(id, list)) return id;
    }
    return admit(list) ? this.add(list as readonly number[], hash) : NOT_ADMITTED;
  }

  /**
   * The stored numbers: list `id` is storedNumbers[listStart(id), listStart(id + 1)). Reading the lists in id order
   * this way walks one array, where the lists they were copied from are scattered over the heap.
   */
  get storedNumbers(): Int32Array {
    return this.numbers;
  }

  /** Where list `id` starts in storedNumbers; listStart(size) is where the last one ends. */
  listStart(id: number): number {
    return this.starts[id];
  }

  private add(list: readonly number[], hash: number): number {
    const id = this.size;
    const start = this.starts[id];
    if (start + list.length > this.numbers.length) {
      const numbers = new Int32Array(Math.max(2 * this.numbers.length, start + list.length));
      numbers.set(this.numbers);
      this.numbers = numbers;
    }
    for (let k = 0; k < list.length; k++) this.numbers[start + k] = list[k];
    this.starts.push(start + list.length);
    if (4 * (id + 1) > this.slots.length) this.growSlots();
    this.place(hash, id + 1);
    return id;
  }

  private listEquals(id: number, list: readonly unknown[]): boolean {
    const start = this.starts[id];
    if (this.starts[id + 1] - start !== list.length) return false;
    const numbers = this.numbers;
    for (let k = 0; k < list.length; k++) {
      if (numbers[start + k] !== list[k]) return false;
    }
    return true;
  }

  private place(hash: number, idPlusOne: number): void {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let slot = hash & mask;
    while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
    slots[2 * slot] = hash;
    slots[2 * slot + 1] = idPlusOne;
  }

  private growSlots(): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * old.length);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] !== 0) this.place(old[i], old[i + 1]);
    }
  }

  /** FNV-1a over the numbers, from the table's seed, then murmur3's finaliser (the slot is the low bits). */
  private hash(list: readonly unknown[]): number {
    let hash = this.seed ^ 0x811c9dc5 ^ list.length;
    for (let k = 0; k < list.length; k++) {
      const v = list[k];
      // Not `hash ^ v` for every element: converting an array or object to a number walks all of it (deeply nested
      // JSON could overflow the stack); anything not a number is not an index and never matches a stored list.
      hash = Math.imul(hash ^ (typeof v === 'number' ? v : -1), 0x01000193);
    }
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
    return hash ^ (hash >>> 16);
  }
}

const INITIAL_SLOTS = 1024;
const INITIAL_NUMBERS = 16384;
