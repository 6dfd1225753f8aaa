import * as assert from 'assert';
import { onFirstUse } from '../../src/core/onFirstUse';

describe('onFirstUse', () => {
  it('makes the value on the first call only, and returns that value every time', () => {
    let made = 0;
    const pattern = onFirstUse(() => { made++; return /^[\p{L}_][\p{L}\p{N}_]*$/u; });
    assert.strictEqual(made, 0, 'nothing is made before it is asked for');
    const first = pattern();
    assert.strictEqual(pattern(), first);
    assert.strictEqual(made, 1);
    assert.ok(first.test('café_2') && !first.test('2x'));
  });

  it('keeps an undefined value instead of making it again', () => {
    let made = 0;
    const nothing = onFirstUse(() => { made++; return undefined; });
    nothing();
    nothing();
    assert.strictEqual(made, 1);
  });
});
