import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../support/pythonForTests';

/**
 * The names in a zip file (a VSIX is one), from its central directory: the end record (at most 64 KB of comment
 * from the end) gives where the directory starts and how many entries it holds.
 */
function zipEntryNames(zip: Buffer): string[] {
  const END_RECORD = 0x06054b50;
  const ENTRY = 0x02014b50;
  let end = zip.length - 22;
  while (end >= Math.max(0, zip.length - 22 - 0xffff) && zip.readUInt32LE(end) !== END_RECORD) end--;
  if (end < 0 || zip.readUInt32LE(end) !== END_RECORD) throw new Error('not a zip file: no end-of-central-directory record');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== ENTRY) throw new Error(`zip central directory entry ${i} is damaged`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

describe('the packaged VSIX (pyrometer.vsix, made by npm run package before this suite in npm test)', () => {
  const vsix = path.join(REPO_ROOT, 'pyrometer.vsix');

  it('holds every runner source, the bundles, and no compiled Python left by local runs', function () {
    if (!fs.existsSync(vsix)) this.skip(); // a unit run on its own, without a package
    const names = new Set(zipEntryNames(fs.readFileSync(vsix)));
    const sources = execFileSync('git', ['ls-files', 'python'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    assert.ok(sources.length > 0, 'git lists no runner sources');
    const missing = sources.filter(f => !names.has(`extension/${f}`));
    assert.deepStrictEqual(missing, [], 'runner sources missing from the VSIX');
    for (const bundle of ['extension.js', 'extensionMain.js', 'server.js', 'serverMain.js', 'languageClient.js', 'webview/flameGraph.js']) {
      assert.ok(names.has(`extension/dist/${bundle}`), `dist/${bundle} missing from the VSIX`);
    }
    const compiled = [...names].filter(n => /__pycache__|\.py[co]$/.test(n));
    assert.deepStrictEqual(compiled, [], 'compiled Python in the VSIX');
  });

  it('reads the names in a zip (one Python writes, with a comment and a non-ASCII name)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrometer-zip-'));
    try {
      const zip = path.join(dir, 'x.zip');
      execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n  z.writestr("a/b.txt", "x")\n  z.writestr("é.py", "y")\n  z.comment = b"c" * 300', zip]);
      assert.deepStrictEqual(zipEntryNames(fs.readFileSync(zip)), ['a/b.txt', 'é.py']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
