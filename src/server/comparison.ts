import { deltaLensText, diffTableMarkdown } from '../core/diffText';
import { deltasByCurrentFrame, DiffKindError, diffProfiles, FunctionDelta, ProfileDiff } from '../core/profileDiff';
import { comparisonWarnings, profileWarnings, RunWarning } from '../core/runWarnings';
import type { CompareRunsParams, CompareRunsResult } from '../protocol/serverRequests';
import type { FlameDiff } from '../core/flameLayout';
import type { ProfileStore, StoredRun } from './profileStore';

/** Below this part of the run a change is not coloured in the flame graph. */
const NOISE_FRACTION = 0.01;

/**
 * The comparison the editor shows: a run against a baseline. CodeLens deltas apply while the compared run is the
 * shown run; showing another run leaves the comparison in place for when it comes back.
 */
export class Comparison {
  private current: { runId: string; baselineRunId: string; diff: ProfileDiff; byFrame: Map<number, FunctionDelta> } | undefined;

  constructor(private readonly store: ProfileStore) {}

  compare(params: CompareRunsParams): CompareRunsResult {
    const baseline = this.store.get(params.baselineRunId);
    const run = this.store.get(params.runId);
    if (!baseline || !run) return { ok: false, error: 'A run to compare is not loaded.', notLoaded: true };
    let diff: ProfileDiff;
    try {
      diff = diffProfiles(baseline.profile, run.profile);
    } catch (e) {
      if (e instanceof DiffKindError) return { ok: false, error: e.message };
      throw e;
    }
    this.current = { runId: run.runId, baselineRunId: baseline.runId, diff, byFrame: deltasByCurrentFrame(diff) };
    const warnings: RunWarning[] = [
      ...comparisonWarnings(baseline.profile.metadata, run.profile.metadata),
      ...labelled('baseline', profileWarnings(baseline.profile)),
      ...labelled('this run', profileWarnings(run.profile)),
    ];
    return {
      ok: true, kind: diff.kind, warnings,
      markdown: diffTableMarkdown(diff, { baseline: baseline.label, current: run.label }, warnings),
      functionsChanged: diff.functions.filter(d => d.totalDelta !== 0 || d.selfDelta !== 0).length,
    };
  }

  clear(): void {
    this.current = undefined;
  }

  forget(runId: string): void {
    if (this.current && (this.current.runId === runId || this.current.baselineRunId === runId)) this.current = undefined;
  }

  /** The delta lens of a def of the shown run, when it is the compared run. */
  lensText(run: StoredRun, frameIndex: number): string | undefined {
    if (!this.current || this.current.runId !== run.runId) return undefined;
    const delta = this.current.byFrame.get(frameIndex);
    return delta ? deltaLensText(delta, this.current.diff) : undefined;
  }

  /** The diff colours of the compared run's flame graph: the change of each payload frame's function. */
  flameDiff(runId: string, profileFrames: readonly number[], by: 'self' | 'total'): FlameDiff | undefined {
    if (!this.current || this.current.runId !== runId) return undefined;
    const { byFrame, diff } = this.current;
    // Changes under 1% of the run (seconds, or share of samples) are noise on tiny figures: grey, not a colour.
    const minDelta = NOISE_FRACTION * (diff.kind === 'sampled' ? 1 : Math.max(diff.baselineTotal, diff.currentTotal));
    const changes = profileFrames.map(f => {
      const d = byFrame.get(f);
      if (!d || Math.abs(by === 'self' ? d.selfDelta : d.totalDelta) < minDelta) return 0;
      const change = by === 'self' ? d.selfChange : d.totalChange;
      // A function the baseline did not have grew from nothing: the strongest red.
      return change === null ? (d.baseline ? 0 : 1) : Math.max(-1, Math.min(1, change));
    });
    return { by, baselineLabel: this.store.get(this.current.baselineRunId)?.label ?? 'baseline', changes };
  }

  get comparedRunId(): string | undefined {
    return this.current?.runId;
  }
}

function labelled(who: string, warnings: RunWarning[]): RunWarning[] {
  return warnings.map(w => ({ ...w, message: `${who[0].toUpperCase()}${who.slice(1)}: ${w.message}` }));
}
