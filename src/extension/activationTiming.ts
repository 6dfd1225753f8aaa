import type { CodeCacheUse, LoadedBundle } from '../bundles/cachedBundle';

/**
 * How long activation took, measured by the extension itself so that the editor benchmark (bench/editor) can
 * read it from the extension's exports: `loadMs` from the first statement of dist/extension.js to the end of
 * loading the extension's bundle through the code cache (reading, compiling or taking compiled code from the cache,
 * evaluating its modules: src/bundles/extensionEntry.ts), `activateMs` activate() itself. The host's own work
 * before and after (reading package.json, preparing the extension context) is not Pyrometer's code and is not
 * included.
 */
export interface BundleLoad {
  readonly startMs: number;
  readonly endMs: number;
  readonly codeCache: CodeCacheUse;
  readonly phasesMs: LoadedBundle<unknown>['phasesMs'];
}

export interface ActivationTiming {
  /** null when the extension was not loaded through its entry (e.g. the bundle required directly). */
  readonly loadMs: number | null;
  readonly codeCache: CodeCacheUse | null;
  readonly loadPhasesMs: BundleLoad['phasesMs'] | null;
  readonly activateMs: number;
}

export interface PyrometerExports {
  readonly activation: ActivationTiming;
  /** How the language client bundle was loaded (on the first profile run), once it is. */
  languageClientLoad(): { readonly ms: number; readonly codeCache: CodeCacheUse } | undefined;
  /** What the function table was last sent (for the editor bench): the profile's function count and the rows. */
  functionTableShown?(): { readonly total: number; readonly rows: number } | undefined;
}

export function activationTiming(activateStartMs: number, load: BundleLoad | undefined): ActivationTiming {
  return {
    loadMs: load ? load.endMs - load.startMs : null,
    codeCache: load?.codeCache ?? null,
    loadPhasesMs: load?.phasesMs ?? null,
    activateMs: performance.now() - activateStartMs,
  };
}
