import * as assert from 'assert';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';

const SRC = path.resolve(__dirname, '..', '..', '..', '..', 'src'); // out/test/unit/bundles -> repo/src

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

describe('import style of the bundled sources (esbuild.mjs explains why)', () => {
  it('no file imports a package or Node module as a namespace (`import * as x from \'x\'`), which esbuild would copy per file', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (/^import \* as \w+ from '[^.][^']*';/.test(line)) offenders.push(`${path.relative(SRC, file)}:${i + 1}: ${line}`);
      });
    }
    assert.ok(sourceFiles(SRC).length > 100, 'the scan found the sources');
    assert.deepStrictEqual(offenders, []);
  });
});
