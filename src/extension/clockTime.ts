/**
 * The wall-clock time of the Output channel's lines, `HH:MM:SS`. Not toLocaleTimeString: its first call in the
 * extension host loads the locale data, ~25 ms of blocked editor on the first profile run (measured).
 */
export function clockTime(at = new Date()): string {
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map(n => String(n).padStart(2, '0')).join(':');
}
