import { promises as fs } from 'fs';
import path = require('path');
import { currentOwner, Owner, ownerIsAlive, readOwnerMarker, writeOwnerMarker } from './tempRoot';

/**
 * The run folders of a workspace's run history (`<storage>/runs/<runId>/`). A finished run has its record,
 * `run.json`; a folder without one is either a run still being made (a script still running, a profile file
 * being read — in this extension host or in another window on the same workspace) or litter of one that never
 * finished (the editor closed or crashed mid-run). Each folder is marked with the process that made it when it is
 * made, so reading the history removes only the litter and never the folder of a run in progress.
 */
export const RUN_RECORD = 'run.json';

/**
 * What the runner's `run` subcommand writes for a sampled run (py-spy, perf): the script's metadata, read again
 * whenever the run is reloaded (a server restart, an evicted run shown again), so never the record's file name.
 */
export const RUNNER_METADATA_FILE = 'run-metadata.json';

/** A folder without a marker (made before markers, or caught between mkdir and marker) counts as litter after this. */
export const UNMARKED_GRACE_MS = 10 * 60_000;

export interface RunFolderListing<T> {
  readonly records: T[];
  /** Folders of runs still being made by a live process: not listed, not removed. */
  readonly inProgress: string[];
  /** Folders removed as litter. */
  readonly removed: string[];
}

/** Makes a run's folder (or marks an existing one) as this process's run in progress. */
export async function createRunFolder(dir: string, owner: Owner = currentOwner()): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  await writeOwnerMarker(dir, owner);
  return dir;
}

/**
 * Reads every finished run's record; removes the folders without a readable record whose maker is gone (and old
 * unmarked ones).
 */
export async function readRunFolders<T>(runsDir: string, opts: {
  readonly isAlive?: (o: Owner) => boolean;
  readonly nowMs?: number;
} = {}): Promise<RunFolderListing<T>> {
  const isAlive = opts.isAlive ?? ownerIsAlive;
  const nowMs = opts.nowMs ?? Date.now();
  const listing: RunFolderListing<T> = { records: [], inProgress: [], removed: [] };
  let names: string[] = [];
  try {
    names = await fs.readdir(runsDir);
  } catch {
    return listing; // no runs yet
  }
  for (const name of names) {
    const dir = path.join(runsDir, name);
    let text: string | undefined;
    try {
      text = await fs.readFile(path.join(dir, RUN_RECORD), 'utf8');
    } catch {
      // no record: in progress or litter, decided below
    }
    const record = text === undefined ? undefined : parseRecord<T>(text);
    if (record !== undefined) {
      listing.records.push(record);
      continue;
    }
    // No record, or a torn one (another window writing it): the maker decides whether it is litter.
    if (await stillBeingMade(dir, isAlive, nowMs)) {
      listing.inProgress.push(dir);
      continue;
    }
    await fs.rm(dir, { recursive: true, force: true });
    listing.removed.push(dir);
  }
  return listing;
}

function parseRecord<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Writes a run's record whole or not at all (a reader in another window never sees half of it). */
export async function writeRunRecord(dir: string, record: unknown): Promise<void> {
  const tmp = path.join(dir, `${RUN_RECORD}.${process.pid}.tmp`);
  await fs.writeFile(tmp, JSON.stringify(record, null, 1));
  await fs.rename(tmp, path.join(dir, RUN_RECORD));
}

async function stillBeingMade(dir: string, isAlive: (o: Owner) => boolean, nowMs: number): Promise<boolean> {
  const owner = await readOwnerMarker(dir);
  if (owner) return isAlive(owner);
  try {
    return nowMs - (await fs.stat(dir)).mtimeMs < UNMARKED_GRACE_MS;
  } catch {
    return false; // vanished meanwhile
  }
}
