/** Thrown by the exporters when a run cannot be written in the asked format; the message says why and what can. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}
