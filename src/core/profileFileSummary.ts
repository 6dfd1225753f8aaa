import type { ImportTree } from './importTime';
import { PROFILE_FILE_FORMAT_NAMES, ProfileFileFormat } from './profileFileFormat';
import type { ProfileSource } from './profileModel';
import { groupThousands } from './pstatsNumbers';

/**
 * The one line a profile file's editor shows above its flame graph: what the file is, its totals in the units the
 * tool counted, how it was read, and whether its figures can land on this workspace's files.
 */
export interface ProfileFileRunFacts {
  readonly fileName: string;
  readonly format: ProfileFileFormat;
  readonly source: ProfileSource;
  readonly tool: string;
  /** pstats' total_tt (cProfile), samples / rate (sampled, when the rate is known), wall time (line timing). */
  readonly totalSeconds: number;
  readonly totalSamples: number;
  readonly functionCount: number;
  readonly threads: number;
  readonly rateHz?: number;
  /** The interpreter that read a pstats file, or the one a result says ran the profile. */
  readonly pythonVersion: string;
  readonly weightsAreDurations?: boolean;
  readonly derivedFromCallGraph?: boolean;
  /** perf script: callchain frames perf left as `[unknown]`. */
  readonly unresolvedFrames?: number;
  readonly framesMapped: number;
  /** Distinct source files of the profile, and how many of them are in the workspace (undefined: not counted). */
  readonly sourceFiles?: number;
  readonly workspaceFiles?: number;
}

export function profileFileSummary(f: ProfileFileRunFacts): string {
  const parts: string[] = [];
  const microseconds = f.weightsAreDurations || f.derivedFromCallGraph;
  if (f.source === 'cProfile') {
    parts.push(`${groupThousands(f.functionCount)} functions, ${f.totalSeconds.toFixed(3)} s of own time in all`);
  } else if (f.source === 'line timing') {
    parts.push(`line timing of ${groupThousands(f.functionCount)} functions, ${f.totalSeconds.toFixed(3)} s wall time`);
  } else if (microseconds) {
    parts.push(`${(f.totalSamples / 1e6).toFixed(3)} s over ${groupThousands(f.functionCount)} functions (weights are durations, counted in µs)`);
    if (f.derivedFromCallGraph) parts.push('stacks derived from cProfile caller edges, not sampled');
  } else {
    const rate = f.rateHz ? ` at ${groupThousands(f.rateHz)}/s (${(f.totalSamples / f.rateHz).toFixed(2)} s)` : ' (no rate recorded)';
    parts.push(`${groupThousands(f.totalSamples)} samples${rate}, ${groupThousands(f.functionCount)} functions`);
    if (f.threads > 1) parts.push(`${f.threads} threads`);
  }
  if (f.format === 'pstats' && f.pythonVersion) parts.push(`read with Python ${f.pythonVersion}`);
  else if ((f.format === 'cprofileResult' || f.format === 'linesResult') && f.pythonVersion) parts.push(`Python ${f.pythonVersion}`);
  if (f.unresolvedFrames) {
    parts.push(`${groupThousands(f.unresolvedFrames)} frames perf could not name ([unknown]: run perf script while the ` +
      'run\'s /tmp/perf-PID.map or jitdump still exists, or use Profile native (perf), which reads them itself)');
  }
  if (f.framesMapped > 0) parts.push(`${groupThousands(f.framesMapped)} frame paths mapped by pyrometer.pathMappings`);
  if (f.sourceFiles !== undefined && f.workspaceFiles !== undefined && f.sourceFiles > 0 && f.source !== 'line timing') {
    parts.push(f.workspaceFiles > 0
      ? `${groupThousands(f.workspaceFiles)} of ${groupThousands(f.sourceFiles)} source files are in this workspace`
      : `none of its ${groupThousands(f.sourceFiles)} source files is in this workspace (set pyrometer.pathMappings to map them)`);
  }
  return `${f.fileName} — ${PROFILE_FILE_FORMAT_NAMES[f.format]}: ${parts.join(' · ')}`;
}

export function importLogSummary(fileName: string, tree: ImportTree): string {
  const parts = [
    `${groupThousands(tree.nodes.length)} imports`,
    `${(tree.topLevelCumulativeUs / 1000).toFixed(1)} ms importing (top-level cumulative)`,
  ];
  if (tree.headers > 1) parts.push(`${tree.headers} interpreters wrote to it`);
  if (tree.irregularNesting > 0) parts.push(`${tree.irregularNesting} irregularly nested (threads importing at once?)`);
  return `${fileName} — ${PROFILE_FILE_FORMAT_NAMES.importtime}: ${parts.join(' · ')}`;
}
