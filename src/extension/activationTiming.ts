/**
 * How long activation took, measured by the extension itself so that the editor benchmark (bench/editor) can
 * read it from the extension's exports: `evaluateMs` from the first to the last statement of dist/extension.js
 * (marks set by esbuild's banner and footer), i.e. evaluating the bundle's modules; `activateMs` activate()
 * itself. The host's own cost of reading and compiling the file, and of preparing the extension context, is not
 * Pyrometer's code and is not included.
 */
declare const __pyrometerBundleStartMs: number | undefined;
declare const __pyrometerBundleEndMs: number | undefined;

export interface ActivationTiming {
  /** null when the code did not run from the bundle (no banner mark). */
  readonly evaluateMs: number | null;
  readonly activateMs: number;
}

export interface PyrometerExports {
  readonly activation: ActivationTiming;
}

export function activationTiming(activateStartMs: number): ActivationTiming {
  const evaluateMs = typeof __pyrometerBundleStartMs === 'number' && typeof __pyrometerBundleEndMs === 'number'
    ? __pyrometerBundleEndMs - __pyrometerBundleStartMs : null;
  return {
    evaluateMs,
    activateMs: performance.now() - activateStartMs,
  };
}
