import { promises as fs } from 'fs';
import path = require('path');
import { parseCollapsedStacks, placeholderMetadata } from '../core/collapsedStacks';
import { readCollapsedHeader } from '../core/collapsedExport';
import { parseCProfileResult } from '../core/cprofileResult';
import { ImportTree, parseImportTime } from '../core/importTime';
import { parseLineTimingResult } from '../core/lineTimingResult';
import { parsePerfScript } from '../core/perfScript';
import { PathMapping, withMappedPaths } from '../core/pathMappings';
import { ProfileFormatError } from '../core/profileErrors';
import { PROFILE_FILE_FORMAT_NAMES, ProfileFileFormat, SNIFF_BYTES, sniffProfileFormat } from '../core/profileFileFormat';
import type { Profile, RunMetadata } from '../core/profileModel';
import { parseSpeedscope } from '../core/speedscope';
import { speedscopeWeighting } from '../core/speedscopeWeights';
import { readCollapsedFile } from './collapsedFileRead';
import { withDefLinesFromDisk } from './perf';
import { PstatsReadRequest, readPstatsFile } from './pstatsFile';

/**
 * Opens a profile file of any format Pyrometer reads (core/profileFileFormat.ts tells which from its content) into
 * the profile model, or an import tree for `-X importtime` logs. Path mappings are applied to the frames' files so
 * that a profile taken elsewhere lands on the workspace's files.
 */
export interface ProfileFileRequest {
  readonly path: string;
  readonly pathMappings?: readonly PathMapping[];
  /** How to run the runner's pstats reader: needed for pstats files only. */
  readonly pstats?: Omit<PstatsReadRequest, 'profPath'>;
}

export interface ProfileFileFacts {
  readonly format: ProfileFileFormat;
  /** Frames whose file a path mapping changed. */
  readonly framesMapped: number;
  /** speedscope: the weights were durations, counted as microseconds (see core/speedscopeWeights.ts). */
  readonly weightsAreDurations?: boolean;
  /** Pyrometer's collapsed export of a cProfile run: counts are microseconds derived from caller edges. */
  readonly derivedFromCallGraph?: boolean;
  /** perf script: callchain frames perf could not name (`[unknown]`: the run's perf map was not at hand). */
  readonly unresolvedFrames?: number;
}

export type ProfileFileContent =
  | { readonly kind: 'profile'; readonly profile: Profile; readonly facts: ProfileFileFacts }
  | { readonly kind: 'imports'; readonly tree: ImportTree; readonly facts: ProfileFileFacts };

/** The file's first bytes, for sniffing (at most SNIFF_BYTES). */
export async function readProfileFileHead(file: string): Promise<Uint8Array> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The format of a file on disk, or a ProfileFormatError naming the formats Pyrometer reads. */
export async function sniffProfileFile(file: string): Promise<ProfileFileFormat> {
  let head: Uint8Array;
  try {
    head = await readProfileFileHead(file);
  } catch (e) {
    throw new ProfileFormatError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message}.`);
  }
  const sniffed = sniffProfileFormat(head, file);
  if ('error' in sniffed) throw new ProfileFormatError(sniffed.error);
  return sniffed.format;
}

export async function loadProfileFile(req: ProfileFileRequest): Promise<ProfileFileContent> {
  const format = await sniffProfileFile(req.path);
  try {
    if (format === 'importtime') return { kind: 'imports', tree: parseImportTime(await fs.readFile(req.path, 'utf8')), facts: { format, framesMapped: 0 } };
    const { profile, facts } = await readProfile(req, format);
    let mapped = withMappedPaths(profile, req.pathMappings ?? []);
    if (format === 'perfScript') mapped = await withDefLinesFromDisk(mapped);
    let framesMapped = 0;
    for (let i = 0; i < profile.frames.length; i++) if (mapped.frames[i].file !== profile.frames[i].file) framesMapped++;
    return { kind: 'profile', profile: mapped, facts: { ...facts, format, framesMapped } };
  } catch (e) {
    if (e instanceof ProfileFormatError && format !== 'pstats') { // the pstats reader names the file itself
      throw new ProfileFormatError(`${path.basename(req.path)} looks like a ${PROFILE_FILE_FORMAT_NAMES[format]} but cannot be read: ${e.message}`, e.detail);
    }
    throw e;
  }
}

async function readProfile(req: ProfileFileRequest, format: Exclude<ProfileFileFormat, 'importtime'>):
  Promise<{ profile: Profile; facts: Omit<ProfileFileFacts, 'format' | 'framesMapped'> }> {
  switch (format) {
    case 'pstats': {
      if (!req.pstats) throw new ProfileFormatError('reading a pstats file needs a Python interpreter, and none was given.');
      return { profile: await readPstatsFile({ ...req.pstats, profPath: req.path }), facts: {} };
    }
    case 'cprofileResult':
      return { profile: parseCProfileResult(await fs.readFile(req.path, 'utf8')), facts: {} };
    case 'linesResult':
      return { profile: parseLineTimingResult(await fs.readFile(req.path, 'utf8')), facts: {} };
    case 'speedscope': {
      const text = await fs.readFile(req.path, 'utf8');
      let weighting = { weightsAreDurations: false } as ReturnType<typeof speedscopeWeighting>;
      try {
        weighting = speedscopeWeighting(JSON.parse(text));
      } catch {
        // invalid JSON: parseSpeedscope says so in its own words
      }
      const profile = parseSpeedscope(text, { metadata: fileMetadata('speedscope (file)', req.path), rateHz: weighting.rateHz });
      return { profile, facts: weighting.weightsAreDurations ? { weightsAreDurations: true } : {} };
    }
    case 'perfScript': {
      // Python frames are what perf printed (`py::func:/path/file.py`, when it had the run's perf map); their def
      // lines are looked up once the paths are mapped (loadProfileFile).
      const { profile, facts } = parsePerfScript(await fs.readFile(req.path, 'utf8'), { metadata: fileMetadata('perf script (file)', req.path) });
      return { profile, facts: facts.unresolved > 0 ? { unresolvedFrames: facts.unresolved } : {} };
    }
    case 'collapsed': {
      const input = await readCollapsedFile(req.path);
      const bytes = input instanceof Uint8Array ? input : input.scanner.input;
      const header = readCollapsedHeader(bytes);
      const body = input instanceof Uint8Array ? header.body : { scanner: input.scanner, start: header.body.byteOffset - bytes.byteOffset };
      const profile = parseCollapsedStacks(body, { metadata: fileMetadata('collapsed stacks (file)', req.path), rateHz: header.rateHz });
      return { profile, facts: header.derivedFromCallGraph ? { derivedFromCallGraph: true } : {} };
    }
  }
}

/** A file says nothing of its run: the tool is the file's format, the cwd its folder (for showing paths). */
function fileMetadata(tool: string, file: string): RunMetadata {
  return { ...placeholderMetadata(), tool, cwd: path.dirname(file) };
}
