import { escapeMarkdown } from './markdownText';
import { groupThousands, percentOf } from './pstatsNumbers';
import type { Profile } from './profileModel';
import { hottestStacksThrough, samplesPhrase, SampledRunStats } from './sampleAnnotations';

const STACK_LIMIT = 5;
/** Long stacks are shown by their last frames: the ones near the line are the ones that explain it. */
const FRAMES_SHOWN = 6;

/** Hover for a sampled line: its samples, and the heaviest call paths that reached it. */
export function sampledLineHoverMarkdown(profile: Profile, stats: SampledRunStats, filePath: string, line1: number): string {
  const runSamples = stats.lines.totalSamples;
  const entry = stats.lines.lines.find(l => l.file === filePath && l.line === line1);
  if (!entry) return '';
  const out = [
    `**Pyrometer (py-spy)** — line ${line1}`,
    '',
    '| on the stack | executing (self) | call paths |',
    '|---:|---:|---:|',
    `| ${percentOf(entry.totalSamples, runSamples)} (${samplesPhrase(entry.totalSamples)}) | ` +
      `${percentOf(entry.selfSamples, runSamples)} (${groupThousands(entry.selfSamples)}) | ${groupThousands(entry.hits)} |`,
  ];
  const stacks = hottestStacksThrough(profile, filePath, line1, STACK_LIMIT);
  if (stacks.length) {
    out.push('', '**Hottest stacks through this line**', '');
    for (const s of stacks) {
      const names = s.frames.map(f => escapeMarkdown(profile.frames[f].name));
      const shown = names.length > FRAMES_SHOWN ? ['…', ...names.slice(-FRAMES_SHOWN)] : names;
      out.push(`- ${samplesPhrase(s.samples)}: ${shown.join(' › ')}`);
    }
  }
  if (profile.stacks?.rateHz) {
    out.push('', `_${groupThousands(runSamples)} samples at ${profile.stacks.rateHz} Hz_`);
  }
  return out.join('\n');
}
