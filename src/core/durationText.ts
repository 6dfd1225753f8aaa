/**
 * Nanoseconds as a person reads them: three significant digits in the largest unit that keeps the number ≥ 1.
 * Hovers show the exact nanoseconds beside this, so rounding never hides what was measured.
 */
export function durationText(ns: number): string {
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${Math.round(ns)} ns`;
  if (abs < 1e6) return `${significant(ns / 1e3)} µs`;
  if (abs < 1e9) return `${significant(ns / 1e6)} ms`;
  return `${significant(ns / 1e9)} s`;
}

function significant(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toFixed(digits);
}
