import * as assert from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';

const root = path.resolve(__dirname, '../../..');

interface CompiledModule { readonly module: string; readonly text: string }

describe('WebAssembly modules: the committed binaries are their sources compiled', function () {
  this.timeout(60_000);
  it('each src/core/*Wasm.ts equals what scripts/build-wasm.mjs makes of its AssemblyScript source now', async () => {
    // A dynamic import stays an import() in tsc's CommonJS output (module node16): the script is an ES module.
    const script = await import(pathToFileURL(path.join(root, 'scripts/build-wasm.mjs')).href) as { compileWasmModules(): Promise<CompiledModule[]> };
    const modules = await script.compileWasmModules();
    assert.ok(modules.length > 0);
    for (const { module, text } of modules) {
      assert.ok(readFileSync(path.join(root, module), 'utf8') === text, `${module} is stale: run npm run build (or node scripts/build-wasm.mjs) and commit it`);
    }
  });
});
