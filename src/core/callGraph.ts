import type { CallEdgeStats, FunctionStats, Profile } from './profileModel';

/** A callee edge seen from the caller's side: the same pstats figures as the callee's caller entry. */
export interface CalleeEdge {
  readonly calleeIndex: number;
  readonly edge: CallEdgeStats;
}

/**
 * cProfile records caller edges only (a call graph, not stacks). This index answers both directions
 * and finds a function's stats by frame.
 */
export class CallGraph {
  /** Indexed by frame index (arrays, not Maps: frame indices are dense, from 0). */
  private readonly statsByFrame: (FunctionStats | undefined)[];
  private readonly calleesByFrame: (CalleeEdge[] | undefined)[];
  /** The largest own time of any function: the top of the run's heat scale. */
  readonly maxSelfSeconds: number = 0;

  constructor(readonly profile: Profile) {
    this.statsByFrame = new Array<FunctionStats | undefined>(profile.frames.length).fill(undefined);
    this.calleesByFrame = new Array<CalleeEdge[] | undefined>(profile.frames.length).fill(undefined);
    for (const fn of profile.functions) {
      this.statsByFrame[fn.frameIndex] = fn;
      if (fn.selfSeconds > this.maxSelfSeconds) this.maxSelfSeconds = fn.selfSeconds;
      for (const edge of fn.callers) {
        let list = this.calleesByFrame[edge.callerIndex];
        if (!list) this.calleesByFrame[edge.callerIndex] = list = [];
        list.push({ calleeIndex: fn.frameIndex, edge });
      }
    }
  }

  stats(frameIndex: number): FunctionStats | undefined {
    return this.statsByFrame[frameIndex];
  }

  /** Callers sorted by the cumulative time they account for, largest first. */
  topCallers(frameIndex: number, limit: number): CallEdgeStats[] {
    const fn = this.statsByFrame[frameIndex];
    return fn ? [...fn.callers].sort((a, b) => b.cumulativeSeconds - a.cumulativeSeconds).slice(0, limit) : [];
  }

  callees(frameIndex: number): readonly CalleeEdge[] {
    return this.calleesByFrame[frameIndex] ?? [];
  }

  topCallees(frameIndex: number, limit: number): CalleeEdge[] {
    return [...this.callees(frameIndex)]
      .sort((a, b) => b.edge.cumulativeSeconds - a.edge.cumulativeSeconds).slice(0, limit);
  }
}
