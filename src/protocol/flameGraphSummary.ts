/**
 * One more message to the flame graph webview (beside flameGraphMessages.ts), sent by a profile file's editor: a
 * one-line summary of what the file holds (format, totals, how it was read), shown above the toolbar. The flame
 * graph panel that follows the shown run never sends it, so its page looks as before.
 */
export interface FlameGraphSummaryMessage {
  readonly type: 'summary';
  /** Plain text, one line; '' hides the summary. */
  readonly text: string;
  /** A problem to notice (the file could not be read, a path mapping matched nothing, …). */
  readonly warning?: boolean;
}
