import { fileURLToPath } from 'url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { annotateFile, AnnotationOptions, LineAnnotation } from '../core/lineAnnotations';
import { annotateSampledFile } from '../core/sampleAnnotations';
import { annotateTimedFile } from '../core/lineTimingAnnotations';
import { annotateMemoryFile } from '../core/memoryAnnotations';
import { annotateExceptionsFile } from '../core/eventAnnotations';
import type { StoredRun } from './profileStore';

/**
 * Annotations for an open document, computed from its current text and cached per (run, version):
 * CodeLens, hover and decorations all ask for the same lines.
 */
export class DocumentAnnotations {
  private cache = new Map<string, { key: string; annotations: LineAnnotation[] }>();

  constructor(private readonly options: () => AnnotationOptions) {}

  for(run: StoredRun, doc: TextDocument): LineAnnotation[] {
    const key = `${run.runId}@${doc.version}@${this.options().callSiteMinFraction}`;
    const hit = this.cache.get(doc.uri);
    if (hit && hit.key === key) return hit.annotations;
    const file = filePathOf(doc.uri);
    const annotations = !file ? []
      : run.profile.lineTimings ? annotateTimedFile(run.profile, file, doc.getText())
      : run.profile.memory ? annotateMemoryFile(run.profile.memory, file, doc.getText())
      : run.profile.events ? annotateExceptionsFile(run.profile.events, file, doc.getText())
      : run.sampled ? annotateSampledFile(run.profile, run.sampled, file, doc.getText())
        : annotateFile(run.graph, file, doc.getText(), this.options());
    this.cache.set(doc.uri, { key, annotations });
    return annotations;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}

export function filePathOf(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}
