import * as assert from 'assert';
import { parseCProfileResult } from '../../src/core/cprofileResult';
import { ProfileFormatError } from '../../src/core/profileErrors';

const minimal = (functions: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({
  schema: 'pyrometer.cprofile/1', totalSeconds: 1.5,
  metadata: { python: { version: '3.11.7' }, cwd: '/work/app', exitCode: 0, exception: null, ...extra },
  functions,
});

describe('reading the runner result', () => {
  it('keeps pstats figures unchanged and resolves relative files against the run cwd', () => {
    const p = parseCProfileResult(minimal([
      { file: 'pkg/mod.py', line: 3, name: 'f', primitiveCalls: 1, totalCalls: 8361, selfSeconds: 0.1234567, cumulativeSeconds: 0.5,
        callers: [{ file: '~', line: 0, name: '<built-in method builtins.exec>', totalCalls: 1, primitiveCalls: 1, selfSeconds: 0.1, cumulativeSeconds: 0.2 }] },
    ]));
    assert.strictEqual(p.frames[p.functions[0].frameIndex].file, '/work/app/pkg/mod.py');
    assert.strictEqual(p.functions[0].selfSeconds, 0.1234567);
    assert.strictEqual(p.functions[0].totalCalls, 8361);
    const caller = p.frames[p.functions[0].callers[0].callerIndex];
    assert.deepStrictEqual([caller.file, caller.kind], ['~', 'builtin']);
  });

  it('reports the target exception with its phase', () => {
    const p = parseCProfileResult(minimal([], { exitCode: 1, exception: { type: 'SyntaxError', message: 'bad', traceback: 'tb', phase: 'compile' } }));
    assert.deepStrictEqual([p.metadata.exitCode, p.metadata.exception?.phase], [1, 'compile']);
  });

  const corrupt: [string, string][] = [
    ['truncated JSON', minimal([]).slice(0, 40)],
    ['not an object', '[1, 2]'],
    ['another schema', JSON.stringify({ schema: 'speedscope' })],
    ['a non-numeric figure', minimal([{ file: 'a.py', line: 1, name: 'f', primitiveCalls: 'x', totalCalls: 1, selfSeconds: 0, cumulativeSeconds: 0 }])],
    ['callers that are not a list', minimal([{ file: 'a.py', line: 1, name: 'f', primitiveCalls: 1, totalCalls: 1, selfSeconds: 0, cumulativeSeconds: 0, callers: 5 }])],
  ];
  for (const [what, text] of corrupt) {
    it(`rejects ${what} with a ProfileFormatError`, () => {
      assert.throws(() => parseCProfileResult(text), (e: unknown) => e instanceof ProfileFormatError && e.message.length > 10);
    });
  }
});
