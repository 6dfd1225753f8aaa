import * as assert from 'assert';
import { callableName, callSiteLines, defBodyRange, indexDefs, locateDef, moduleLevelLines } from '../../src/core/pythonSource';

const SOURCE = `import functools

@functools.lru_cache
def inc(x):
    return x + 1  # inc( in a comment


def work(n,
         step=1):
    total = 0
    for i in range(n):
        total += inc(i)
    return total


class Box:
    def inc(self):
        return 0


if __name__ == "__main__":
    work(10)
`.split('\n');

describe('reading Python source to place figures', () => {
  it('finds a decorated def from the decorator line pstats records', () => {
    assert.strictEqual(locateDef(indexDefs(SOURCE), 'inc', 3), 3);
  });

  it('finds a def again after lines were inserted above it', () => {
    const edited = ['# new', '# lines', ...SOURCE];
    assert.strictEqual(locateDef(indexDefs(edited), 'work', 8), 9);
  });

  it('prefers the def nearest the recorded line among same-named ones', () => {
    assert.strictEqual(locateDef(indexDefs(SOURCE), 'inc', 18), 16);
  });

  it('returns undefined when the def is gone or the name is not an identifier', () => {
    assert.strictEqual(locateDef(indexDefs(SOURCE), 'missing', 3), undefined);
    assert.strictEqual(locateDef(indexDefs(SOURCE), '<lambda>', 3), undefined);
  });

  it('takes the body after a multi-line signature up to the dedent', () => {
    assert.deepStrictEqual(defBodyRange(SOURCE, 7), { start: 9, end: 13 });
  });

  it('lists module-level lines outside defs and classes', () => {
    const lines = moduleLevelLines(SOURCE);
    assert.ok(lines.includes(0) && lines.includes(20) && lines.includes(21));
    assert.ok(!lines.includes(11) && !lines.includes(17));
  });

  it('finds call sites by name, ignoring comments and the def itself', () => {
    assert.deepStrictEqual(callSiteLines(SOURCE, [3, 4, 11, 12], 'inc'), [11]);
  });

  it('derives the called name from pstats builtin names', () => {
    assert.strictEqual(callableName('<built-in method builtins.len>'), 'len');
    assert.strictEqual(callableName("<method 'get' of 'dict' objects>"), 'get');
    assert.strictEqual(callableName('<listcomp>'), undefined);
  });
});
