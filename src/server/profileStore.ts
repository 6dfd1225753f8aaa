import { CallGraph } from '../core/callGraph';
import { FlameGraphSource } from '../core/flameLayout';
import type { BytecodeListing } from '../core/bytecodeResult';
import type { Profile } from '../core/profileModel';
import type { SampledRunStats } from '../core/sampleAnnotations';
import { functionSampleStats, lineSampleStats } from '../core/sampleStats';
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

/** The profiles the server holds, and which one the editor is showing. Older runs beyond the cap are dropped. */
export class ProfileStore {
  private readonly runs = new Map<string, StoredRun>();
  private activeId: string | null = null;

  constructor(private readonly maxRunsInMemory = 10) {}

  add(runId: string, label: string, profile: Profile, bytecode?: BytecodeListing): StoredRun {
    const sampled = profile.stacks
      ? { functions: functionSampleStats(profile), lines: lineSampleStats(profile), ...(profile.source === 'perf' ? { native: nativeShares(profile) } : {}) }
      : undefined;
    const run: StoredRun = { runId, label, profile, graph: new CallGraph(profile), sampled, flame: new FlameGraphSource(profile, label), bytecode };
    this.runs.delete(runId);
    this.runs.set(runId, run);
    for (const id of this.runs.keys()) {
      if (this.runs.size <= this.maxRunsInMemory) break;
      if (id !== this.activeId) this.runs.delete(id);
    }
    return run;
  }

  remove(runId: string): void {
    this.runs.delete(runId);
    if (this.activeId === runId) this.activeId = null;
  }

  setActive(runId: string | null): boolean {
    if (runId !== null && !this.runs.has(runId)) return false;
    this.activeId = runId;
    return true;
  }

  get(runId: string): StoredRun | undefined {
    return this.runs.get(runId);
  }

  active(): StoredRun | undefined {
    return this.activeId === null ? undefined : this.runs.get(this.activeId);
  }
}
