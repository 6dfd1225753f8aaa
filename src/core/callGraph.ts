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
  private readonly statsByFrame = new Map<number, FunctionStats>();
  private readonly calleesByFrame = new Map<number, CalleeEdge[]>();
  /** The largest own time of any function: the top of the run's heat scale. */
  readonly maxSelfSeconds: number = 0;

  constructor(readonly profile: Profile) {
    for (const fn of profile.functions) {
      this.statsByFrame.set(fn.frameIndex, fn);
      if (fn.selfSeconds > this.maxSelfSeconds) this.maxSelfSeconds = fn.selfSeconds;
      for (const edge of fn.callers) {
        let list = this.calleesByFrame.get(edge.callerIndex);
        if (!list) this.calleesByFrame.set(edge.callerIndex, (list = []));
        list.push({ calleeIndex: fn.frameIndex, edge });
      }
    }
  }

  stats(frameIndex: number): FunctionStats | undefined {
    return this.statsByFrame.get(frameIndex);
  }

  /** Callers sorted by the cumulative time they account for, largest first. */
  topCallers(frameIndex: number, limit: number): CallEdgeStats[] {
    const fn = this.statsByFrame.get(frameIndex);
    return fn ? [...fn.callers].sort((a, b) => b.cumulativeSeconds - a.cumulativeSeconds).slice(0, limit) : [];
  }

  callees(frameIndex: number): readonly CalleeEdge[] {
    return this.calleesByFrame.get(frameIndex) ?? [];
  }

  topCallees(frameIndex: number, limit: number): CalleeEdge[] {
    return [...this.callees(frameIndex)]
      .sort((a, b) => b.edge.cumulativeSeconds - a.edge.cumulativeSeconds).slice(0, limit);
  }
}
