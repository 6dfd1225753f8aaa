import * as assert from 'assert';
import { discoverTests, isPytestFileName, pytestNodeId, unittestName } from '../../src/core/testDiscovery';

const summary = (text: string, file = 'test_sample.py') =>
  discoverTests(text, file).map(t => `${t.line}:${[...t.classes, t.name].join('.')}:${t.framework}`);

describe('test discovery (the "Profile" CodeLens above tests)', () => {
  it('finds module-level pytest functions, sync and async, and skips helpers', () => {
    const text = [
      'import pytest',
      'def slow(n):',
      '    return n',
      'def test_one():',
      '    assert slow(1)',
      'async def test_two():',
      '    pass',
      'def helper_test():',
      '    pass',
    ].join('\n');
    assert.deepStrictEqual(summary(text), ['3:test_one:pytest', '5:test_two:pytest']);
  });

  it('puts the lens on the def line below decorators such as parametrize, even multi-line ones', () => {
    const text = [
      '@pytest.mark.parametrize("n", [',
      '    1,',
      '    2,',
      '])',
      '@pytest.mark.slow',
      'def test_param(n):',
      '    pass',
    ].join('\n');
    assert.deepStrictEqual(summary(text), ['5:test_param:pytest']);
  });

  it('collects methods of Test* classes (nested too) but not of other classes or classes with __init__', () => {
    const text = [
      'class TestOuter:',
      '    def test_a(self):',
      '        def test_inner():',
      '            pass',
      '    class TestNested:',
      '        def test_b(self):',
      '            pass',
      '    def helper(self):',
      '        pass',
      'class Helper:',
      '    def test_not_collected(self):',
      '        pass',
      'class TestWithInit:',
      '    def __init__(self):',
      '        pass',
      '    def test_skipped(self):',
      '        pass',
      'def test_after():',
      '    """def test_in_docstring():"""',
    ].join('\n');
    assert.deepStrictEqual(summary(text),
      ['1:TestOuter.test_a:pytest', '5:TestOuter.TestNested.test_b:pytest', '17:test_after:pytest']);
  });

  it('finds unittest TestCase methods in any file name, through a local base class', () => {
    const text = [
      'import unittest',
      'from unittest import TestCase',
      'class Base(unittest.TestCase):',
      '    def test_base(self):',
      '        pass',
      'class Derived(Base):',
      '    def testCamel(self):',
      '        pass',
      '    def setUp(self):',
      '        pass',
      'class Plain(TestCase):',
      '    async def test_async(self):',
      '        pass',
      'class NotACase(object):',
      '    def test_no(self):',
      '        pass',
      'def test_module_level():',
      '    pass',
    ].join('\n');
    assert.deepStrictEqual(summary(text, 'checks.py'),
      ['3:Base.test_base:unittest', '6:Derived.testCamel:unittest', '11:Plain.test_async:unittest']);
  });

  it('ignores defs inside strings and bracketed continuations', () => {
    const text = [
      'CODE = """',
      'def test_fake():',
      '    pass',
      '"""',
      'x = (',
      'def_test := 1)',
      'def test_real():',
      '    pass',
    ].join('\n');
    assert.deepStrictEqual(summary(text), ['6:test_real:pytest']);
  });

  it("knows pytest's default file names", () => {
    assert.strictEqual(isPytestFileName('/a/test_x.py'), true);
    assert.strictEqual(isPytestFileName('/a/x_test.py'), true);
    assert.strictEqual(isPytestFileName('/a/testx.py'), false);
    assert.strictEqual(isPytestFileName('/a/x_test.pyc'), false);
  });

  it('builds pytest node ids and unittest dotted names', () => {
    const [t] = discoverTests('class TestA:\n    def test_b(self):\n        pass\n', 'test_a.py');
    assert.strictEqual(pytestNodeId('tests\\test_a.py', t), 'tests/test_a.py::TestA::test_b');
    assert.strictEqual(unittestName('tests/test_a.py', t), 'tests.test_a.TestA.test_b');
    assert.strictEqual(unittestName('my-tests/test_a.py', t), undefined);
  });
});
