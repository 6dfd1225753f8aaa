import { statSync, writeFileSync } from 'fs';
import * as path from 'path';
import { seededRandom } from './seededRandom';

/**
 * Seeded sampled profiles as py-spy writes them, for the file-parsing benchmarks (issue 11): stacks grow like a
 * real program's (each new stack shares a prefix with an earlier one), over a vocabulary of functions in files.
 */

interface SyntheticStack { readonly frames: readonly number[]; readonly lines: readonly number[] }

function frameVocabulary(count: number, fileCount: number) {
  return Array.from({ length: count }, (_, i) => ({
    name: `fn_${i.toString(36)}`, file: `/srv/app/pkg${i % 37}/module_${i % fileCount}.py`, line: 1 + ((i * 7919) % 4000),
  }));
}

/** `uniqueStacks` distinct stacks, root first, depths 3–60. */
function uniqueStacks(uniqueStacks: number, vocabularySize: number, seed: number): SyntheticStack[] {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const stacks: SyntheticStack[] = [];
  const seen = new Set<string>();
  while (stacks.length < uniqueStacks) {
    const base = stacks.length > 0 && random() < 0.97 ? stacks[pick(stacks.length)] : { frames: [], lines: [] };
    const keep = Math.min(base.frames.length, pick(base.frames.length + 1));
    const frames = base.frames.slice(0, keep);
    const lines = base.lines.slice(0, keep);
    const grow = 1 + pick(6);
    for (let i = 0; i < grow && frames.length < 60; i++) {
      frames.push(pick(vocabularySize));
      lines.push(1 + pick(4000));
    }
    if (frames.length < 3) continue;
    const key = frames.join(',') + '/' + lines.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    stacks.push({ frames, lines });
  }
  return stacks;
}

/** Writes syntheticCollapsed(samples, stackCount) to `file` (run in a child process by the editor bench). */
export function writeSyntheticCollapsed(file: string, samples: number, stackCount: number): void {
  writeFileSync(file, syntheticCollapsed(Number(samples), Number(stackCount)));
}

/** py-spy raw output: `uniqueStacks` lines whose counts sum to `samples`. */
export function syntheticCollapsed(samples: number, stackCount: number, seed = 7): string {
  const random = seededRandom(seed + 1);
  const vocabulary = frameVocabulary(20_000, 800);
  const stacks = uniqueStacks(stackCount, vocabulary.length, seed);
  const counts = new Array<number>(stacks.length).fill(1);
  for (let left = samples - stacks.length; left > 0; left--) {
    // Skewed like real profiles: a few stacks get most samples.
    counts[Math.floor(stacks.length * random() ** 3)]++;
  }
  const out: string[] = [];
  stacks.forEach((s, i) => {
    out.push(s.frames.map((f, k) => `${vocabulary[f].name} (${vocabulary[f].file}:${s.lines[k]})`).join(';') + ` ${counts[i]}`);
  });
  return out.join('\n') + '\n';
}

/** py-spy speedscope JSON of about `targetBytes`: one sampled profile per thread, one stack per sample. */
export function syntheticSpeedscope(targetBytes: number, seed = 11): string {
  const random = seededRandom(seed + 1);
  const vocabulary = frameVocabulary(20_000, 800);
  const stacks = uniqueStacks(50_000, vocabulary.length, seed);
  // Shared frames as py-spy writes them: one entry per (function, file, line).
  const frameIndex = new Map<string, number>();
  const frames: { name: string; file: string; line: number; col: null }[] = [];
  const stackIndices = stacks.map(s => s.frames.map((f, k) => {
    const key = `${f}:${s.lines[k]}`;
    let index = frameIndex.get(key);
    if (index === undefined) {
      index = frames.length;
      frameIndex.set(key, index);
      frames.push({ name: vocabulary[f].name, file: vocabulary[f].file, line: s.lines[k], col: null });
    }
    return index;
  }));
  const framesJson = JSON.stringify(frames);
  const threads = 4;
  const samples: string[][] = Array.from({ length: threads }, () => []);
  let bytes = framesJson.length;
  while (bytes < targetBytes) {
    const stack = JSON.stringify(stackIndices[Math.floor(stackIndices.length * random() ** 3)]);
    samples[Math.floor(random() * threads)].push(stack);
    bytes += stack.length + 7; // the sample, its comma and its weight
  }
  const profiles = samples.map((s, t) => `{"type":"sampled","name":"Thread ${1000 + t} \\"worker-${t}\\"","unit":"seconds",` +
    `"startValue":0,"endValue":${s.length / 100},"samples":[${s.join(',')}],"weights":[${new Array(s.length).fill('0.01').join(',')}]}`);
  return `{"$schema":"https://www.speedscope.app/file-format-schema.json","profiles":[${profiles.join(',')}],` +
    `"shared":{"frames":${framesJson}},"activeProfileIndex":0,"exporter":"py-spy@0.4.2","name":"synthetic"}`;
}

/**
 * The parse benches' two big files, written into `dir`: py-spy collapsed stacks of 1,000,000 samples over 200,000
 * stacks (named so that speedscope reads it as collapsed stacks too) and ~100 MB of py-spy speedscope JSON.
 */
export function writeBigSampledFiles(dir: string): { readonly collapsed: string; readonly speedscope: string } {
  const collapsed = path.join(dir, 'big.collapsedstack.txt');
  writeFileSync(collapsed, syntheticCollapsed(1_000_000, 200_000));
  const speedscope = path.join(dir, 'big.speedscope.json');
  writeFileSync(speedscope, syntheticSpeedscope(100e6));
  return { collapsed, speedscope };
}

/** A file's size in MB, one decimal. */
export function megabytes(file: string): string {
  return (statSync(file).size / 1e6).toFixed(1);
}
