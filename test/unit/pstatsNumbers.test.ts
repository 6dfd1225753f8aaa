import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { groupThousands, percentOf, pstatsCalls, pythonFixed, readableCalls } from '../../src/core/pstatsNumbers';

describe('pstats number formatting', () => {
  it('rounds exact ties half to even, as Python %.3f does', () => {
    assert.strictEqual(pythonFixed(0.0625, 3), '0.062');
    assert.strictEqual(pythonFixed(0.1875, 3), '0.188');
    assert.strictEqual(pythonFixed(2.5, 0), '2');
    assert.strictEqual(pythonFixed(-0.0625, 3), '-0.062');
  });

  it('agrees with Python on a spread of values, ties and near-ties included', () => {
    const values = [0, 1e-9, 0.0005, 0.0015, 0.0625, 0.1875, 0.3125, 1.0005, 2.675, 123.4565, 0.9995, 1 / 3, 7.1234567];
    const python = execFileSync('python3', ['-c',
      `import json,sys; print(json.dumps(['%.3f' % v for v in json.loads(sys.argv[1])]))`, JSON.stringify(values)]);
    assert.deepStrictEqual(values.map(v => pythonFixed(v, 3)), JSON.parse(python.toString()));
  });

  it('prints calls as pstats does: total/primitive only when they differ', () => {
    assert.strictEqual(pstatsCalls(8361, 1), '8361/1');
    assert.strictEqual(pstatsCalls(3, 3), '3');
    assert.strictEqual(readableCalls(3000000, 3000000), '3,000,000');
    assert.strictEqual(readableCalls(8361, 1), '8,361/1');
  });

  it('groups thousands and prints shares of the total', () => {
    assert.strictEqual(groupThousands(999), '999');
    assert.strictEqual(groupThousands(1234567), '1,234,567');
    assert.strictEqual(percentOf(1, 3), '33.3%');
    assert.strictEqual(percentOf(1, 0), '0.0%');
  });
});
