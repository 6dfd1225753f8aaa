import * as path from 'path';
import { Worker } from 'worker_threads';

/** What one parse in a worker did. */
export type IsolatedOutcome =
  | { readonly kind: 'model'; readonly ms: number; readonly modelChars: number }
  | { readonly kind: 'typed'; readonly ms: number; readonly message: string }
  | { readonly kind: 'other'; readonly ms: number; readonly name: string; readonly message: string }
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'outOfMemory'; readonly ms: number; readonly message: string };

const WORKER_CODE = `
const { workerData, parentPort } = require('worker_threads');
const mod = require(workerData.modulePath);
const started = process.hrtime.bigint();
let outcome;
try {
  const model = mod[workerData.exportName](workerData.input, ...workerData.extraArgs);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  outcome = { kind: 'model', ms, modelChars: JSON.stringify(model).length };
} catch (e) {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  outcome = e && e.name === 'ProfileFormatError'
    ? { kind: 'typed', ms, message: e.message }
    : { kind: 'other', ms, name: e && e.name, message: String(e && e.message) };
}
parentPort.postMessage(outcome);
`;

/**
 * Runs `src/core/<module>.<exportName>(input, ...extraArgs)` in a worker thread with a heap cap and a deadline, so
 * a parser that hangs or grows without bound fails the test instead of hanging or crashing mocha. `modelChars` is
 * the length of the model's JSON: the measure of "model size" the size-bound tests compare with the input length.
 */
export function parseIsolated(module: string, exportName: string, input: string | Uint8Array,
  limits: { timeoutMs: number; heapMb: number }, extraArgs: unknown[] = []): Promise<IsolatedOutcome> {
  const modulePath = path.resolve(__dirname, '../../../src/core', `${module}.js`);
  const started = Date.now();
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { modulePath, exportName, input, extraArgs },
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb },
    });
    let settled = false;
    const settle = (o: IsolatedOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(o);
    };
    const timer = setTimeout(() => settle({ kind: 'timeout', ms: Date.now() - started }), limits.timeoutMs);
    worker.on('message', (o: IsolatedOutcome) => settle(o));
    worker.on('error', (e: Error & { code?: string }) => settle(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? { kind: 'outOfMemory', ms: Date.now() - started, message: e.message }
      : { kind: 'other', ms: Date.now() - started, name: e.name, message: e.message }));
  });
}
