import { promises as fs } from 'fs';
import path = require('path');
import { collapsedText } from '../core/collapsedExport';
import { ExportError } from '../core/exportError';
import type { Profile } from '../core/profileModel';
import { speedscopeText } from '../core/speedscopeExport';
import type { ExportRunParams, ExportRunResult, RunSource } from '../protocol/serverRequests';
import { cprofileFiles } from '../runners/cprofile';
import { isFile } from '../runners/fileChecks';
import { sniffProfileFile } from '../runners/profileFile';

/**
 * Writes a loaded run to a file, here where the profile is (the extension host never holds it): speedscope JSON
 * and collapsed stacks from the model, or for pstats a copy of the `.prof` cProfile wrote (the run's own
 * `profile.prof`, or the pstats file it was opened from), byte for byte, so pstats reads exactly the run's numbers.
 */
export async function exportRun(profile: Profile, source: RunSource | undefined, params: ExportRunParams): Promise<ExportRunResult> {
  try {
    switch (params.format) {
      case 'speedscope':
        return await writeText(params.path, speedscopeText(profile, params.name),
          profile.stacks ? undefined : 'cProfile records no stacks: the file holds the call tree derived from its caller edges (apportioned, not sampled), in seconds.');
      case 'collapsed':
        return await writeText(params.path, collapsedText(profile, params.name),
          profile.stacks ? undefined : 'cProfile records no stacks: the counts are microseconds of own time on the call tree derived from its caller edges, as the first line says.');
      case 'pstats':
        return await copyProf(profile, source, params.path);
      default:
        return { ok: false, error: `Unknown export format ${JSON.stringify(params.format)}.` };
    }
  } catch (e) {
    if (e instanceof ExportError) return { ok: false, error: e.message };
    return { ok: false, error: `Could not write ${params.path}: ${(e as Error).message}` };
  }
}

async function writeText(file: string, text: string, note: string | undefined): Promise<ExportRunResult> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text, 'utf8');
  return { ok: true, path: file, bytes: Buffer.byteLength(text, 'utf8'), ...(note ? { note } : {}) };
}

/** The run's own pstats file, or why there is none. */
async function profOf(profile: Profile, source: RunSource | undefined): Promise<string> {
  const none = (why: string) => new ExportError(`pstats export copies the .prof that cProfile wrote, and ${why}. Export it as speedscope or collapsed stacks instead.`);
  if (profile.source !== 'cProfile' || profile.stacks) throw none(`this is a ${profile.source} run`);
  if (source?.kind === 'cprofile') {
    const prof = cprofileFiles(path.dirname(source.resultPath)).profPath;
    if (await isFile(prof)) return prof;
    throw none('this run has none (it was not kept)');
  }
  if (source?.kind === 'file' && await sniffProfileFile(source.path).catch(() => undefined) === 'pstats') return source.path;
  throw none('this run was opened from a result JSON, not from a .prof');
}

async function copyProf(profile: Profile, source: RunSource | undefined, target: string): Promise<ExportRunResult> {
  const prof = await profOf(profile, source);
  await fs.mkdir(path.dirname(target), { recursive: true });
  if (path.resolve(prof) !== path.resolve(target)) await fs.copyFile(prof, target);
  return { ok: true, path: target, bytes: (await fs.stat(target)).size };
}
