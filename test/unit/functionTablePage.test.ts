import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseCProfileResult } from '../../src/core/cprofileResult';
import { FunctionRow, functionRows } from '../../src/core/functionTable';
import { FUNCTION_SORT_KEYS, FunctionSortKey, numericSortValue } from '../../src/core/functionRowSort';
import { DEFAULT_FUNCTION_TABLE_QUERY, FUNCTION_TABLE_PAGE_ROWS, FunctionTable, FunctionTableQuery } from '../../src/core/functionTablePage';
import type { Frame, FunctionStats, Profile } from '../../src/core/profileModel';

const KEYS = FUNCTION_SORT_KEYS;

/** The whole table sorted the plain way (every row built, localeCompare per comparison): what a page must be a prefix of. */
function referenceOrder(rows: readonly FunctionRow[], key: FunctionSortKey, descending: boolean): FunctionRow[] {
  const sign = descending ? -1 : 1;
  const value = (r: FunctionRow) => (key === 'name' ? r.name : key === 'location' ? r.display.location : numericSortValue(r, key));
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const order = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return order !== 0 ? sign * order : a.frameIndex - b.frameIndex;
  });
}

/** A seeded profile of `count` functions with ties, builtins, mixed-case names and files in and out of the cwd. */
function syntheticProfile(count: number): Profile {
  let state = 12345;
  const pick = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const frames: Frame[] = [];
  const functions: FunctionStats[] = [];
  for (let i = 0; i < count; i++) {
    const builtin = pick(10) === 0;
    frames.push(builtin
      ? { name: `<built-in method ${['len', 'Sorted', 'append'][pick(3)]}_${pick(50)}>`, file: '~', line: 0, kind: 'builtin' }
      : { name: `${['Handler', 'handler', 'parse', 'Émit', 'run'][pick(5)]}_${pick(400)}`, file: pick(2) ? `/work/app/mod${pick(30)}.py` : `/usr/lib/python3.12/lib${pick(9)}.py`, line: 1 + pick(900), kind: 'python' });
    const totalCalls = pick(4) === 0 ? 0 : 1 + pick(20);
    const selfSeconds = pick(3) === 0 ? 0.001 : pick(1000) / 997;
    functions.push({
      // Functions not in frame order (as in a real result, where callers' frames are made first): ties must still
      // come out by frame index.
      frameIndex: count - 1 - i, totalCalls, primitiveCalls: Math.min(totalCalls, 1 + pick(20)), selfSeconds,
      cumulativeSeconds: selfSeconds + (pick(2) ? 0 : pick(1000) / 991), callers: [],
    });
  }
  return {
    source: 'cProfile', frames, functions, totalSeconds: 1,
    metadata: {
      tool: 'cProfile', python: { version: '3.12.1', implementation: 'cpython', executable: '' }, platform: '', argv: [],
      cwd: '/work/app', script: '', startedAt: '', wallSeconds: 1, cpuSeconds: 1, exitCode: 0, exception: null, threadsSeen: 1, capabilities: {},
    },
  };
}

const query = (over: Partial<FunctionTableQuery>): FunctionTableQuery => ({ ...DEFAULT_FUNCTION_TABLE_QUERY, ...over });

describe('function table pages (server-side sort, filter and paging)', () => {
  const profile = syntheticProfile(3000);
  const rows = functionRows(profile);
  const table = new FunctionTable(profile);

  it('every sort key, both ways: a page is the first rows of the whole table sorted, with the same figures', () => {
    for (const sortKey of KEYS) {
      for (const descending of [true, false]) {
        const want = referenceOrder(rows, sortKey, descending);
        const first = table.page(query({ sortKey, descending }));
        assert.strictEqual(first.total, 3000);
        assert.strictEqual(first.matched, 3000);
        assert.deepStrictEqual(first.rows, want.slice(0, FUNCTION_TABLE_PAGE_ROWS), `${sortKey} ${descending ? 'desc' : 'asc'}`);
        assert.deepStrictEqual(table.page(query({ sortKey, descending, limit: 5000 })).rows, want, `${sortKey}, all rows`);
      }
    }
  });

  it('filters by name or file:line ignoring case, in the sorted order', () => {
    for (const filter of ['handler', 'MOD7.py', 'lib3.py:1', 'émit', '<built-in', 'no such function']) {
      const needle = filter.toLowerCase();
      const want = referenceOrder(rows, 'tottime', true)
        .filter(r => r.name.toLowerCase().includes(needle) || r.display.location.toLowerCase().includes(needle));
      const page = table.page(query({ sortKey: 'tottime', filter, limit: 5000 }));
      assert.strictEqual(page.matched, want.length, filter);
      assert.deepStrictEqual(page.rows, want, filter);
      assert.strictEqual(page.query.filter, filter);
    }
    assert.ok(table.page(query({ filter: 'handler' })).matched > 500, 'a filter of more than a page');
  });

  it('reveal: the rows reach the function (in whole pages), and a filter hiding it is cleared', () => {
    const order = referenceOrder(rows, 'cumtime', true);
    const deep = order[1234];
    const page = table.page(query({ reveal: deep.frameIndex }));
    assert.strictEqual(page.query.limit, 1500);
    assert.strictEqual(page.rows.length, 1500);
    assert.deepStrictEqual(page.rows[1234], deep);
    assert.strictEqual(page.query.reveal, undefined);

    const hidden = table.page(query({ reveal: deep.frameIndex, filter: 'no such function' }));
    assert.strictEqual(hidden.query.filter, '');
    assert.deepStrictEqual(hidden.rows[1234], deep);

    const kept = table.page(query({ reveal: deep.frameIndex, filter: deep.name }));
    assert.strictEqual(kept.query.filter, deep.name);
    assert.ok(kept.rows.some(r => r.frameIndex === deep.frameIndex));
    assert.strictEqual(kept.query.limit, FUNCTION_TABLE_PAGE_ROWS, 'already on the first page');
  });

  it('a real run\'s table (the cProfile runner fixture): its one page is functionRows in the plain order', () => {
    const real = parseCProfileResult(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/runner/cprofile-calls.json'), 'utf8'));
    const page = new FunctionTable(real).page(DEFAULT_FUNCTION_TABLE_QUERY);
    assert.strictEqual(page.total, real.functions.length);
    assert.deepStrictEqual(page.rows, referenceOrder(functionRows(real), 'cumtime', true));
    assert.ok(page.rows.some(r => r.name === 'inc' && r.display.ncalls === '2000'));
  });

  it('a query from another client with missing or odd fields is answered with the defaults for them', () => {
    const plain = table.page(DEFAULT_FUNCTION_TABLE_QUERY);
    for (const odd of [undefined, {}, { sortKey: 'bogus', descending: 'yes', limit: Number.NaN, filter: 7 }, { limit: -3 }, { limit: 0.5 }]) {
      const page = table.page(odd as unknown as FunctionTableQuery);
      assert.deepStrictEqual(page.rows, plain.rows, JSON.stringify(odd));
      assert.deepStrictEqual(page.query, DEFAULT_FUNCTION_TABLE_QUERY, JSON.stringify(odd));
    }
    assert.strictEqual(table.page(query({ limit: 1e9 })).rows.length, 3000, 'a huge limit: every row, no error');
    assert.strictEqual(table.page(query({ limit: 2.9 })).rows.length, 2);
  });

  it('a profile without functions (a sampled run) has an empty table', () => {
    const page = new FunctionTable({ ...profile, functions: [] }).page(query({ filter: 'x', reveal: 3 }));
    assert.deepStrictEqual([page.total, page.matched, page.rows.length], [0, 0, 0]);
  });
});
