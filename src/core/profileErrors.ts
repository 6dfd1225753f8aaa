/** Thrown by every parser for input it cannot read; the message names the file's problem in the user's terms. */
export class ProfileFormatError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
    this.name = 'ProfileFormatError';
  }
}
