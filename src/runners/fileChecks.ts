import { promises as fs } from 'fs';

/** Whether `file` exists and is a regular file (a tool's output is checked before it is read). Never throws. */
export async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
