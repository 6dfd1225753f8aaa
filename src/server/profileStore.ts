import { CallGraph } from '../core/callGraph';
import { FlameGraphSource } from '../core/flameLayout';
import type { BytecodeListing } from '../core/bytecodeResult';
import type { Profile } from '../core/profileModel';
import type { SampledRunStats } from '../core/sampleAnnotations';
import { functionSampleStats, lineSampleStats } from '../core/sampleStats';
import { estimateProfileBytes } from '../core/profileSize';
import { nativeShares } from '../core/nativeShares';

export interface StoredRun {
  readonly runId: string;
  readonly label: string;
  readonly profile: Profile;
  readonly graph: CallGraph;
  /** Sampled sources only: per-function and per-line samples, computed once per run. */
  readonly sampled?: SampledRunStats;
  /** Flame graph trees and layouts, built on first request and cached for view switches. */
  readonly flame: FlameGraphSource;
  /** The script's adaptive bytecode after the run, when the run left it (py-spy launches), for hovers. */
  readonly bytecode?: BytecodeListing;
}

/** Why a profile is not kept: it alone is larger than the memory cap. */
export class ProfileTooLargeError extends Error {
  constructor(readonly estimatedBytes: number, readonly capBytes: number) {
    super(`This profile would take about ${megabytes(estimatedBytes)} MB in memory, more than the ${megabytes(capBytes)} MB ` +
      'Pyrometer keeps (setting pyrometer.maxProfileMegabytes). Raise the setting to open it, or record a shorter run.');
    this.name = 'ProfileTooLargeError';
  }
}

export function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 10 ? mb.toFixed(0) : mb.toFixed(1);
}

/**
 * The profiles the server holds, and which one the editor is showing. Least recently used runs are dropped beyond
 * a count and beyond a memory cap (estimateProfileBytes): they stay on disk (the run history, the user's file) and
 * are loaded again when shown. The shown run and the one just added are never dropped.
 */
export class ProfileStore {
  /** In use order: the first is the least recently used. */
  private readonly runs = new Map<string, StoredRun>();
  private readonly bytesByRun = new Map<string, number>();
  /** Labels of every run added, dropped ones included, to reload them under the same name. */
  private readonly labels = new Map<string, string>();
  private heldBytes = 0;
  private activeId: string | null = null;

  constructor(private readonly maxRunsInMemory = 10, private maxBytes = Number.POSITIVE_INFINITY) {}

  /** Throws ProfileTooLargeError, holding nothing, when the profile alone is over the cap. */
  add(runId: string, label: string, profile: Profile, bytecode?: BytecodeListing): StoredRun {
    const bytes = estimateProfileBytes(profile);
    if (bytes > this.maxBytes) throw new ProfileTooLargeError(bytes, this.maxBytes);
    const sampled = profile.stacks
      ? { functions: functionSampleStats(profile), lines: lineSampleStats(profile), ...(profile.source === 'perf' ? { native: nativeShares(profile) } : {}) }
      : undefined;
    const run: StoredRun = { runId, label, profile, graph: new CallGraph(profile), sampled, flame: new FlameGraphSource(profile, label), bytecode };
    this.drop(runId);
    this.runs.set(runId, run);
    this.labels.set(runId, label);
    this.bytesByRun.set(runId, bytes);
    this.heldBytes += bytes;
    this.evict(runId);
    return run;
  }

  /** A new cap (the setting changed): drops what is now over it. */
  setMaxBytes(maxBytes: number): void {
    this.maxBytes = maxBytes;
    this.evict(null);
  }

  labelOf(runId: string): string | undefined {
    return this.labels.get(runId);
  }

  remove(runId: string): void {
    this.drop(runId);
    this.labels.delete(runId);
    if (this.activeId === runId) this.activeId = null;
  }

  setActive(runId: string | null): boolean {
    if (runId !== null && !this.runs.has(runId)) return false;
    this.activeId = runId;
    if (runId !== null) this.touch(runId);
    return true;
  }

  get(runId: string): StoredRun | undefined {
    const run = this.runs.get(runId);
    if (run) this.touch(runId);
    return run;
  }

  active(): StoredRun | undefined {
    return this.activeId === null ? undefined : this.runs.get(this.activeId);
  }

  /** Estimated bytes held, and the run ids from least to most recently used: for tests and the log. */
  usage(): { readonly bytes: number; readonly runIds: readonly string[] } {
    return { bytes: this.heldBytes, runIds: [...this.runs.keys()] };
  }

  private touch(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    this.runs.delete(runId);
    this.runs.set(runId, run);
  }

  private drop(runId: string): void {
    if (!this.runs.delete(runId)) return;
    this.heldBytes -= this.bytesByRun.get(runId) ?? 0;
    this.bytesByRun.delete(runId);
  }

  /** Drops least recently used runs while over either cap, never the shown one nor `keep`. */
  private evict(keep: string | null): void {
    for (const id of [...this.runs.keys()]) {
      if (this.runs.size <= this.maxRunsInMemory && this.heldBytes <= this.maxBytes) break;
      if (id !== this.activeId && id !== keep) this.drop(id);
    }
  }
}
