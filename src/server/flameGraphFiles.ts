import { promises as fs, rmSync } from 'fs';
import path = require('path');
import type { FlameGraphRequest } from '../core/flameLayout';
import type { SerializedFlameGraph } from '../protocol/serverRequests';

/**
 * Hands each flame graph to the webview as a file it fetches itself, so the extension host only passes a path on.
 * A big profile's graph is tens of megabytes of JSON: carried in the response, the extension host read it out of
 * the message and decoded it, and the garbage that left behind held the editor up to ~70 ms while the file opened.
 *
 * Files live in this process's own temporary folder (runners/tempRoot.ts, which the extension lets webviews read);
 * the last `keep` stay, since a panel fetches its graph after the response arrives, and the folder goes when the
 * server exits (or, after a crash, when the next process sweeps it). When the file cannot be written, the graph
 * travels in the response as before.
 */
export class FlameGraphFiles {
  private readonly written: string[] = [];
  private sequence = 0;
  private folder: string | undefined;

  constructor(private readonly ownFolder: () => Promise<string>, private readonly keep = 16) {}

  async serialize(request: FlameGraphRequest, graph: unknown): Promise<SerializedFlameGraph> {
    const bytes = Buffer.from(JSON.stringify(graph), 'utf8');
    try {
      this.folder ??= await this.ownFolder();
      // A new name for every graph: a webview may cache what it fetched under a name.
      const file = path.join(this.folder, `flame-graph-${++this.sequence}.json`);
      await fs.writeFile(file, bytes);
      this.written.push(file);
      while (this.written.length > this.keep) void fs.rm(this.written.shift()!, { force: true });
      return { request, file };
    } catch {
      return { request, jsonBase64: bytes.toString('base64') };
    }
  }

  /** Removes the folder with every graph in it (synchronous: called as the process exits). */
  removeAll(): void {
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
  }
}
