import * as assert from 'assert';
import { IndexListTable, NOT_ADMITTED } from '../../src/core/indexListTable';
import { SubstringTable } from '../../src/core/substringTable';

/** A seeded generator, so a failure can be rerun. */
function random(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
}

describe('SubstringTable: values by a range of a text', () => {
  it('finds what a Map keyed by the sliced range finds, over 20,000 keys and 200,000 lookups', () => {
    const pick = random(1);
    // Keys alike as frame texts are: shared prefixes and suffixes, lengths from 0 up, one differing character.
    const keys = Array.from({ length: 20_000 }, (_, i) => `fn_${i % 5000} (/srv/app/pkg${i % 37}/module_${Math.floor(i / 5000)}.py`);
    keys.push('', 'x', 'é\u0000\ud800', 'fn_1 (/srv/app/pkg1/module_0.pz');
    const table = new SubstringTable();
    const expected = new Map<string, number>();
    let text = '';
    const ranges: [number, number][] = [];
    for (let i = 0; i < 200_000; i++) {
      const key = keys[pick(keys.length)];
      ranges.push([text.length + 1, text.length + 1 + key.length]);
      text += `;${key}`;
    }
    for (const [from, to] of ranges) {
      const key = text.slice(from, to);
      const found = table.get(text, from, to);
      assert.strictEqual(found, expected.get(key) ?? -1, `lookup of ${JSON.stringify(key)}`);
      if (found < 0) {
        table.set(key, expected.size);
        expected.set(key, expected.size);
      }
    }
    assert.strictEqual(table.size, expected.size);
    for (const [key, value] of expected) assert.strictEqual(table.get(key, 0, key.length), value);
    assert.strictEqual(table.get('fn_1 (/srv/app/pkg1/module_0.py!', 0, 31), expected.get('fn_1 (/srv/app/pkg1/module_0.py!'.slice(0, 31)) ?? -1);
    assert.strictEqual(table.get('never stored', 0, 12), -1);
  });

  it('set replaces the value of a key already there', () => {
    const table = new SubstringTable();
    table.set('a (b.py', 1);
    table.set('a (b.py', 2);
    assert.strictEqual(table.size, 1);
    assert.strictEqual(table.get('x;a (b.py:3)', 2, 9), 2);
  });
});

describe('IndexListTable: ids for lists of frame indices', () => {
  it('gives one id per distinct list, in the order first seen, over 5,000 lists and 100,000 lookups', () => {
    const pick = random(2);
    // Lists alike as stacks are: shared prefixes, permutations, the empty list, large indices.
    const lists: number[][] = [[], [0], [0, 0], [2 ** 31 - 1], [1, 2], [2, 1]];
    while (lists.length < 5000) {
      const base = lists[pick(lists.length)];
      lists.push([...base.slice(0, pick(base.length + 1)), pick(60_000)]);
    }
    const table = new IndexListTable();
    const expected = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const list = [...lists[pick(lists.length)]]; // a fresh array, as JSON.parse gives each sample
      const key = list.join(',');
      const want = expected.get(key) ?? expected.size;
      if (!expected.has(key)) expected.set(key, want);
      assert.strictEqual(table.idOf(list), want, `id of [${key}]`);
    }
    assert.strictEqual(table.size, expected.size);
  });

  it('checks only lists it has not seen: a refused list is not stored, and no list of non-numbers matches a stored one', () => {
    const table = new IndexListTable();
    const checked: string[] = [];
    const onlyNumbers = (list: readonly unknown[]) => {
      checked.push(JSON.stringify(list));
      return list.every(v => typeof v === 'number' && Number.isInteger(v) && v >= 0);
    };
    assert.strictEqual(table.idOf([1, 2], onlyNumbers), 0);
    assert.strictEqual(table.idOf([1, 2], onlyNumbers), 0);
    for (const bad of [[1, '2'], [1, [2]], [1, { valueOf: () => 2 }], [1, null], [1, 2.5], [1, -3]]) {
      assert.strictEqual(table.idOf(bad, onlyNumbers), NOT_ADMITTED, JSON.stringify(bad));
    }
    assert.strictEqual(table.idOf([-0], onlyNumbers), 1);
    assert.strictEqual(table.idOf([0], onlyNumbers), 1, '-0 and 0 are one index');
    assert.strictEqual(table.idOf([3], onlyNumbers), 2, 'refused lists took no id');
    assert.strictEqual(table.size, 3);
    assert.deepStrictEqual(checked, ['[1,2]', '[1,"2"]', '[1,[2]]', '[1,{}]', '[1,null]', '[1,2.5]', '[1,-3]', '[0]', '[3]']);
    // The stored copies, read back in id order.
    const stored = [0, 1, 2].map(id => [...table.storedNumbers.subarray(table.listStart(id), table.listStart(id + 1))]);
    assert.deepStrictEqual(stored, [[1, 2], [0], [3]]);
  });
});
