import * as assert from 'assert';
import fc from 'fast-check';
import { ByteRangeTable, NOT_FOUND, TOO_MANY_PROBES } from '../../src/core/byteRangeTable';

/** Keys laid out in one byte array at random offsets, as frames sit in a file. */
function layout(keys: readonly Uint8Array[]): { bytes: Uint8Array; view: DataView; ranges: [number, number][] } {
  const ranges: [number, number][] = [];
  const parts: number[] = [];
  for (const k of keys) {
    parts.push(7, 7, 7); // separators, so keys start at every alignment
    const from = parts.length;
    parts.push(...k);
    ranges.push([from, parts.length]);
  }
  const bytes = Uint8Array.from(parts);
  return { bytes, view: new DataView(bytes.buffer), ranges };
}

describe('ByteRangeTable: values keyed by byte ranges', () => {
  it('finds every stored key with its value, and no key it was not given (any lengths, alignments, growth)', () => {
    const keyList = fc.uniqueArray(fc.uint8Array({ maxLength: 23 }), {
      maxLength: 300, selector: k => Array.from(k).join(','),
    });
    fc.assert(fc.property(keyList, fc.nat({ max: 40 }), (keys, storedCount) => {
      const { bytes, view, ranges } = layout(keys);
      const table = new ByteRangeTable(16);
      const stored = Math.min(storedCount * 8, ranges.length);
      for (let i = 0; i < stored; i++) {
        const [from, to] = ranges[i];
        assert.strictEqual(table.get(bytes, view, from, to), NOT_FOUND);
        assert.ok(table.add(bytes, view, from, to, i * 3));
      }
      assert.strictEqual(table.size, stored);
      for (let i = 0; i < ranges.length; i++) {
        const [from, to] = ranges[i];
        assert.strictEqual(table.get(bytes, view, from, to), i < stored ? i * 3 : NOT_FOUND, `key ${i}`);
      }
    }), { seed: 20261126, numRuns: 200 });
  });

  it('keys with equal hashes stay apart (matches are confirmed byte for byte), up to its probe limit', () => {
    const sameHash = () => 12345;
    const keys = Array.from({ length: 80 }, (_, i) => new TextEncoder().encode(`frame_${i} (/srv/app/module.py`));
    // Two keys that differ only in their last byte, and only in their first.
    keys.push(new TextEncoder().encode('abcdefgh1'), new TextEncoder().encode('abcdefgh2'));
    const { bytes, view, ranges } = layout(keys);
    const table = new ByteRangeTable(16, sameHash);
    const added = ranges.map(([from, to], i) => table.add(bytes, view, from, to, i));
    // 64 probes reach 64 slots: the keys after those are refused, not stored wrongly.
    assert.strictEqual(added.filter(Boolean).length, 64);
    ranges.forEach(([from, to], i) => {
      const found = table.get(bytes, view, from, to);
      if (added[i]) assert.strictEqual(found, i, `key ${i}`);
      else assert.strictEqual(found, TOO_MANY_PROBES, `key ${i}`);
    });
    const few = new ByteRangeTable(16, sameHash);
    const tail = layout([keys[80], keys[81]]);
    assert.ok(few.add(tail.bytes, tail.view, tail.ranges[0][0], tail.ranges[0][1], 1));
    assert.strictEqual(few.get(tail.bytes, tail.view, tail.ranges[1][0], tail.ranges[1][1]), NOT_FOUND);
  });
});
