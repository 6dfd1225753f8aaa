import * as assert from 'assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_FLAME_GRAPH_REQUEST } from '../../../src/core/flameLayout';
import { FlameGraphFiles } from '../../../src/server/flameGraphFiles';

describe('flame graphs handed over as files', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(path.join(os.tmpdir(), 'pyrometer-flame-files-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes each graph as UTF-8 JSON under a new name, and answers with its path and request', async () => {
    const files = new FlameGraphFiles(async () => root);
    const graph = { label: 'run «1»', panes: [[1, 2, 3]] };
    const first = await files.serialize(DEFAULT_FLAME_GRAPH_REQUEST, graph);
    const second = await files.serialize(DEFAULT_FLAME_GRAPH_REQUEST, graph);
    assert.ok('file' in first && 'file' in second);
    assert.notStrictEqual(first.file, second.file);
    assert.strictEqual(path.dirname(first.file), root);
    assert.deepStrictEqual(first.request, DEFAULT_FLAME_GRAPH_REQUEST);
    assert.deepStrictEqual(JSON.parse(readFileSync(first.file, 'utf8')), graph);
  });

  it('keeps the last graphs only', async () => {
    const files = new FlameGraphFiles(async () => root, 3);
    const written: string[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await files.serialize(DEFAULT_FLAME_GRAPH_REQUEST, { i });
      if ('file' in answer) written.push(answer.file);
    }
    await new Promise(resolve => setTimeout(resolve, 50)); // removals are not awaited
    assert.deepStrictEqual(written.map(f => existsSync(f)), [false, false, false, true, true, true]);
  });

  it('carries the graph in the answer when its folder cannot be written', async () => {
    const notAFolder = path.join(root, 'plain-file');
    writeFileSync(notAFolder, '');
    const files = new FlameGraphFiles(async () => notAFolder);
    const answer = await files.serialize(DEFAULT_FLAME_GRAPH_REQUEST, { x: 'é' });
    assert.ok('jsonBase64' in answer);
    assert.deepStrictEqual(JSON.parse(Buffer.from(answer.jsonBase64, 'base64').toString('utf8')), { x: 'é' });
  });

  it('removes its folder at the end', async () => {
    const own = path.join(root, 'own');
    const files = new FlameGraphFiles(async () => { mkdirSync(own, { recursive: true }); return own; });
    await files.serialize(DEFAULT_FLAME_GRAPH_REQUEST, {});
    assert.ok(existsSync(own));
    files.removeAll();
    assert.ok(!existsSync(own));
  });
});
