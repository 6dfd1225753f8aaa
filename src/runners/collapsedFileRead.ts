import { promises as fs } from 'fs';
import { CollapsedLineScanner } from '../core/collapsedLineScanner';
import type { CollapsedInMemory } from '../core/collapsedStacks';

/**
 * Reads a collapsed-stacks file (py-spy raw output) straight into the memory of the reader's fast path, so a big file
 * is not also held in a Buffer of its own and copied over (for a 65 MB file: ~50 ms less, and 65 MB less at the
 * peak). A file the module cannot take (near WebAssembly's 4 GB) comes back as a Buffer, for the line reader.
 */
export async function readCollapsedFile(file: string): Promise<CollapsedInMemory | Uint8Array> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    let scanner: CollapsedLineScanner;
    try {
      scanner = new CollapsedLineScanner(size);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) return await handle.readFile();
      throw e;
    }
    // No call into the module until the read is done: its memory cannot grow (and the view stay valid) meanwhile.
    const target = scanner.input;
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(target, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    // A file that shrank while it was read: what was there, then blank lines (which the reader skips).
    target.fill(10, done);
    return { scanner, start: 0 };
  } finally {
    await handle.close();
  }
}
