import { displayPath, isLinkable } from './framePaths';
import { pstatsCalls, perCallSeconds, pstatsSeconds } from './pstatsNumbers';
import type { Frame, FunctionStats, Profile } from './profileModel';

/** One row of the pstats-like function table, with the display strings pstats itself would print. */
export interface FunctionRow {
  readonly frameIndex: number;
  readonly name: string;
  readonly file: string;
  readonly line: number;
  /** False for builtins and pseudo-files: listed, but there is no source to open. */
  readonly linkable: boolean;
  readonly totalCalls: number;
  readonly primitiveCalls: number;
  readonly selfSeconds: number;
  readonly cumulativeSeconds: number;
  readonly display: {
    readonly ncalls: string;
    readonly tottime: string;
    readonly tottimePercall: string;
    readonly cumtime: string;
    readonly cumtimePercall: string;
    readonly location: string;
  };
}

export function functionRows(profile: Profile): FunctionRow[] {
  const shown = displayPaths(profile);
  return profile.functions.map(fn => functionRow(profile, fn, shown));
}

/** The file as the table shows it (relative to the run's cwd when under it), each distinct file computed once. */
export function displayPaths(profile: Profile): (file: string) => string {
  const shownPaths = new Map<string, string>();
  return (file: string) => {
    let p = shownPaths.get(file);
    if (p === undefined) shownPaths.set(file, (p = displayPath(file, profile.metadata.cwd)));
    return p;
  };
}

export function functionRow(profile: Profile, fn: FunctionStats, shown: (file: string) => string): FunctionRow {
  const frame = profile.frames[fn.frameIndex];
  return {
    frameIndex: fn.frameIndex,
    name: frame.name,
    file: frame.file,
    line: frame.line,
    linkable: isLinkable(frame.file, frame.kind),
    totalCalls: fn.totalCalls,
    primitiveCalls: fn.primitiveCalls,
    selfSeconds: fn.selfSeconds,
    cumulativeSeconds: fn.cumulativeSeconds,
    display: {
      ncalls: pstatsCalls(fn.totalCalls, fn.primitiveCalls),
      tottime: pstatsSeconds(fn.selfSeconds),
      tottimePercall: perCallSeconds(fn.selfSeconds, fn.totalCalls),
      cumtime: pstatsSeconds(fn.cumulativeSeconds),
      cumtimePercall: perCallSeconds(fn.cumulativeSeconds, fn.primitiveCalls),
      location: locationText(frame, shown),
    },
  };
}

/** The table's file:line column: empty for builtins, which have neither. */
export function locationText(frame: Frame, shown: (file: string) => string): string {
  return frame.kind === 'builtin' ? '' : `${shown(frame.file)}:${frame.line}`;
}
