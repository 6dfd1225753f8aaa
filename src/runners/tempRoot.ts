import { promises as fs, readFileSync } from 'fs';
import os = require('os');
import path = require('path');

/**
 * One Pyrometer-owned temporary root (`$TMPDIR/pyrometer-<uid>`, mode 0700) holding one directory per process that
 * writes temporary files, named and marked with its owner: `owner.json` = `{ pid, startTicks }`, where startTicks is
 * the process's start time from /proc (Linux; null elsewhere) so a recycled pid is not taken for the owner.
 *
 * A process that crashes leaves its directory behind; the next process to start sweeps the root and removes every
 * directory whose owner is gone. It never removes a live owner's directory, a directory without a readable marker,
 * or anything that is not a plain directory inside the root (a symlink planted there is left alone, not followed).
 */
export const OWNER_MARKER = 'owner.json';

export interface Owner {
  readonly pid: number;
  /** Clock ticks after boot when the process started (/proc/PID/stat field 22); null where unknown. */
  readonly startTicks: number | null;
}

export function defaultTempRoot(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username;
  return path.join(os.tmpdir(), `pyrometer-${uid}`);
}

/** The start time of a process from /proc, or null (not Linux, or no such process). */
export function processStartTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and ')': the fields after it start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22 overall; fields[0] is field 3
    return Number.isSafeInteger(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/** Whether the process that wrote the marker is still running (same pid and, where known, same start time). */
export function ownerIsAlive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: no such process
  }
  if (owner.startTicks === null) return true;
  const now = processStartTicks(owner.pid);
  return now === null || now === owner.startTicks;
}

export function currentOwner(): Owner {
  return { pid: process.pid, startTicks: processStartTicks(process.pid) };
}

/** Creates (once) this process's own temporary directory under the root, with its marker; returns its path. */
export async function ownTempDir(root = defaultTempRoot(), owner: Owner = currentOwner()): Promise<string> {
  await ensureRoot(root);
  const dir = path.join(root, `${owner.pid}-${owner.startTicks ?? Date.now()}`);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await writeOwnerMarker(dir, owner);
  return dir;
}

export async function writeOwnerMarker(dir: string, owner: Owner = currentOwner()): Promise<void> {
  await fs.writeFile(path.join(dir, OWNER_MARKER), JSON.stringify(owner));
}

/** The owner written in a directory's marker; undefined when there is no readable marker. */
export async function readOwnerMarker(dir: string): Promise<Owner | undefined> {
  try {
    return parseOwner(await fs.readFile(path.join(dir, OWNER_MARKER), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Removes the directories of owners that are gone. Returns the removed paths. Never throws. */
export async function sweepStaleTempDirs(root = defaultTempRoot(), isAlive: (o: Owner) => boolean = ownerIsAlive): Promise<string[]> {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = await fs.readdir(root);
  } catch {
    return removed; // no root yet
  }
  for (const name of entries) {
    const dir = path.join(root, name);
    try {
      const st = await fs.lstat(dir);
      if (!st.isDirectory()) continue; // symlinks and files are not ours to remove
      const owner = await readOwnerMarker(dir);
      if (!owner || isAlive(owner)) continue;
      await fs.rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // no marker, or it vanished meanwhile: leave it
    }
  }
  return removed;
}

function parseOwner(text: string): Owner | undefined {
  try {
    const o = JSON.parse(text) as { pid?: unknown; startTicks?: unknown };
    if (typeof o.pid !== 'number' || !Number.isSafeInteger(o.pid) || o.pid <= 0) return undefined;
    const startTicks = typeof o.startTicks === 'number' ? o.startTicks : null;
    return { pid: o.pid, startTicks };
  } catch {
    return undefined;
  }
}

/** The root as a private directory: created 0700; refused if it is a symlink or someone else's. */
async function ensureRoot(root: string): Promise<void> {
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  const st = await fs.lstat(root);
  if (!st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid())) {
    throw new Error(`${root} is not a directory of this user: Pyrometer will not put temporary files there.`);
  }
}
