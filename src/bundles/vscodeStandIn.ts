// Loading this file makes `require('vscode')` answer a stand-in, so a bundle written for the extension host can be
// loaded (its modules evaluated, its code compiled) in plain Node: by the code cache warm-up (codeCacheWarmup.ts)
// and by the bundle-loading benchmark (`node -r out/src/bundles/vscodeStandIn.js`). Any property, call or
// construction of the stand-in gives a stand-in back. The module object inherits from a proxy rather than being
// one, because a bundle may copy its properties (esbuild's ES-module interop keeps the prototype).
import Module = require('module');

const anything: unknown = new Proxy(function () { /* any call */ }, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => '' : anything),
  apply: () => anything,
  construct: () => anything as object,
});
const vscodeModule: unknown = Object.create(new Proxy({}, { get: (_target, key) => (key === Symbol.toPrimitive ? () => '' : anything) }));

type Load = (request: string, ...rest: unknown[]) => unknown;
const moduleLoader = Module as unknown as { _load: Load };
const load = moduleLoader._load;
moduleLoader._load = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscodeModule : load.call(this, request, ...rest);
};
