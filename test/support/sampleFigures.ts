import { parseCollapsedStacks } from '../../src/core/collapsedStacks';
import { readCollapsedHeader } from '../../src/core/collapsedExport';
import type { Profile } from '../../src/core/profileModel';
import { functionSampleStats, lineSampleStats } from '../../src/core/sampleStats';
import { parseSpeedscope } from '../../src/core/speedscope';
import { speedscopeWeighting } from '../../src/core/speedscopeWeights';

/** What Pyrometer does when it opens each exported text (runners/profileFile.ts, without the file system). */
export function reopenSpeedscope(text: string): Profile {
  return parseSpeedscope(text, { rateHz: speedscopeWeighting(JSON.parse(text)).rateHz });
}
export function reopenCollapsed(text: string): Profile {
  const header = readCollapsedHeader(new TextEncoder().encode(text));
  return parseCollapsedStacks(header.body, { rateHz: header.rateHz });
}

/** Per function (name + file): total and self samples; per (file, line): total, self and distinct stacks. */
export function sampleFigures(p: Profile): { functions: Record<string, [number, number]>; lines: Record<string, [number, number, number]>; total: number } {
  const functions: Record<string, [number, number]> = {};
  for (const f of functionSampleStats(p).functions) {
    const fr = p.frames[f.frameIndex];
    functions[`${fr.name}\0${fr.file}`] = [f.totalSamples, f.selfSamples];
  }
  const lines: Record<string, [number, number, number]> = {};
  for (const l of lineSampleStats(p).lines) lines[`${l.file}:${l.line}`] = [l.totalSamples, l.selfSamples, l.hits];
  return { functions, lines, total: p.stacks!.totalWeight };
}

