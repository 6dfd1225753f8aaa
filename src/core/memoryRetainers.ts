import { asArray, asObject, JsonObject, numberField, stringField, Where } from './jsonFields';
import type { FileOrigin } from './memoryResult';
import { booleanField, nullableString, originField } from './memoryResult';

/**
 * What the program's globals keep alive at the end of a tracemalloc run (the result's `retainers` block,
 * docs/runner-memory.md): tracemalloc says which line *allocated* memory; this says which name *holds* it.
 */

/** A line that allocated objects of one type a root holds, and how many of the sampled objects came from it. */
export interface RetainedSite {
  readonly file: string;
  readonly line: number;
  readonly sampled: number;
  readonly origin: FileOrigin;
}

/** The objects of one type a root reaches: all counted and sized; their allocation sites from a sample. */
export interface RetainedType {
  readonly type: string;
  readonly objects: number;
  /** Sum of `sys.getsizeof`. */
  readonly bytes: number;
  /** How many objects of this type the site sample looked at (the walk while tracemalloc still traced). */
  readonly sampled: number;
  /** Most sampled first; sampled objects allocated before tracing have no site. */
  readonly sites: readonly RetainedSite[];
}

/** A module-level name (or class attribute, or lru_cache) of the program's own code, and what it reaches. */
export interface RetainerRoot {
  /** `__main__` for the script. */
  readonly module: string;
  readonly file: string;
  /** `_cache`, or `Store.items` for a class attribute. */
  readonly name: string;
  /** The first module-level statement binding the name (1-based); 0 when none was found. */
  readonly line: number;
  readonly type: string;
  /** Everything reachable from the root, `sys.getsizeof` summed: objects shared with another root count in both. */
  readonly bytes: number;
  readonly objects: number;
  /** Largest first. */
  readonly types: readonly RetainedType[];
  readonly typesOmitted: number;
}

export interface MemoryRetainers {
  /** Largest first. */
  readonly roots: readonly RetainerRoot[];
  readonly rootsFound: number;
  /** The walk stopped at its object limit: later roots are undercounted or missing. */
  readonly truncated: boolean;
  readonly error: string | null;
}

/** The `retainers` block, or null when the result has none (runs made before it existed, or no end snapshot). */
export function parseMemoryRetainers(value: unknown, resolveFile: (file: string) => string): MemoryRetainers | null {
  if (value === undefined || value === null) return null;
  const block = asObject(value, 'retainers');
  const list = <T>(v: unknown, where: string, item: (o: JsonObject, w: () => string) => T): T[] =>
    asArray(v, where).map((entry, i) => {
      const w = () => `${where}[${i}]`;
      return item(asObject(entry, w), w);
    });
  const file = (o: JsonObject, w: Where) => resolveFile(stringField(o, 'file', w));
  return {
    roots: list(block.roots, 'retainers.roots', (r, rw): RetainerRoot => ({
      module: stringField(r, 'module', rw), file: file(r, rw), name: stringField(r, 'name', rw),
      line: numberField(r, 'line', rw), type: stringField(r, 'type', rw),
      bytes: numberField(r, 'bytes', rw), objects: numberField(r, 'objects', rw),
      types: list(r.types, `${rw()}.types`, (t, tw): RetainedType => ({
        type: stringField(t, 'type', tw), objects: numberField(t, 'objects', tw), bytes: numberField(t, 'bytes', tw),
        sampled: numberField(t, 'sampled', tw),
        sites: list(t.sites, `${tw()}.sites`, (s, sw): RetainedSite => ({
          file: file(s, sw), line: numberField(s, 'line', sw), sampled: numberField(s, 'sampled', sw),
          origin: originField(s, sw),
        })),
      })),
      typesOmitted: numberField(r, 'typesOmitted', rw),
    })),
    rootsFound: numberField(block, 'rootsFound', 'retainers'),
    truncated: booleanField(block, 'truncated', 'retainers'),
    error: nullableString(block, 'error', 'retainers'),
  };
}

/** The roots whose sampled objects were allocated on a line: who keeps that line's memory alive. */
export function rootsHolding(retainers: MemoryRetainers | null, file: string, line: number): RetainerRoot[] {
  if (!retainers) return [];
  return retainers.roots.filter(r => r.types.some(t => t.sites.some(s => s.file === file && s.line === line)));
}
