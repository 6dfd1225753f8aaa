import * as assert from 'assert';
import { promises as fs, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCollapsedStacks, parseCollapsedStacksLineByLine } from '../../../src/core/collapsedStacks';
import { readCollapsedFile } from '../../../src/runners/collapsedFileRead';
import { loadProfileFile } from '../../../src/runners/profileFile';
import { stackSamplesOf } from '../../../src/core/stackTable';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/pyspy');

describe('readCollapsedFile: a collapsed file read straight into the fast path\'s memory', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-collapsed-read-')); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('gives the model the line reader gives for the same bytes (real py-spy files)', async () => {
    for (const name of ['calls-raw.txt', 'mixed-threads-raw.txt', 'spawn-subprocesses-raw.txt']) {
      const file = path.join(FIXTURES, name);
      const input = await readCollapsedFile(file);
      assert.ok(!(input instanceof Uint8Array), 'read into the module, not a Buffer');
      assert.deepStrictEqual(parseCollapsedStacks(input), parseCollapsedStacksLineByLine(readFileSync(file)), name);
    }
  });

  it('a header comment, a BOM and CRLF: the file opens as its body, with the rate the header states', async () => {
    const file = path.join(dir, 'h.collapsed');
    await fs.writeFile(file, '\ufeff# Pyrometer export of "w.py" (py-spy): sample counts, 250 samples/s\r\n\r\nmain (w.py:3);f (w.py:9) 5\r\nmain (w.py:4) 2\r\n');
    const content = await loadProfileFile({ path: file });
    assert.ok(content.kind === 'profile');
    const profile = content.profile;
    assert.deepStrictEqual(stackSamplesOf(profile.stacks!.stacks).map(s => [s.frames.map(f => profile.frames[f].name), s.lines, s.weight]),
      [[['main', 'f'], [3, 9], 5], [['main'], [4], 2]]);
    assert.strictEqual(profile.stacks!.rateHz, 250);
  });

  it('read once, parsed once: a second parse of the same input is refused (its tables hold the first one\'s frames)', async () => {
    const input = await readCollapsedFile(path.join(FIXTURES, 'calls-raw.txt'));
    assert.ok(parseCollapsedStacks(input).stacks!.stacks.length > 0);
    assert.throws(() => parseCollapsedStacks(input), /parsed already: read the file again/);
  });

  it('an empty file: no stacks', async () => {
    const file = path.join(dir, 'empty.collapsed');
    await fs.writeFile(file, '');
    assert.strictEqual(parseCollapsedStacks(await readCollapsedFile(file)).stacks!.stacks.length, 0);
  });
});
