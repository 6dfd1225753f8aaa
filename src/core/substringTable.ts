import { compactCopy } from './compactString';

/**
 * Values keyed by strings, looked up by a range of a larger string (`text[from, to)`).
 *
 * A Map keyed by `text.slice(from, to)`, with one twist that makes it about twice as fast on big files: the keys it
 * stores are compact copies, not slices. A slice of a 100 MB text is a view into it, so every lookup that compared
 * with such a key read the text where the key was first seen: a cache and TLB miss per frame, millions of times
 * over a collapsed-stacks file (~1 µs a frame on a shared VM). A copied key sits with the other keys, and the
 * lookup's own slice is cheap (a view, hashed and compared by the engine's native code).
 *
 * Measured against the alternatives on a 65 MB py-spy file (1.5 million frames over 20,000 texts): Map keyed by
 * slices 1.37 s, an open-addressing table over typed arrays hashed and compared in JavaScript 1.2 s, this 0.64 s.
 */
export class SubstringTable {
  private readonly values = new Map<string, number>();

  get size(): number {
    return this.values.size;
  }

  /** The value stored for `text.slice(from, to)`, or -1. */
  get(text: string, from: number, to: number): number {
    return this.values.get(text.slice(from, to)) ?? -1;
  }

  /** Stores `value` for `key`, replacing the value it had. */
  set(key: string, value: number): void {
    this.values.set(compactCopy(key), value);
  }
}
