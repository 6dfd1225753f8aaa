/**
 * Byte counts as a person reads them: binary units (tracemalloc and the OS count in powers of two), three
 * significant digits in the largest unit that keeps the number ≥ 1. Hovers show the exact bytes beside this.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** '512 B', '1.00 KiB', '1.23 MiB', '12.3 MiB', '123 GiB'; negative sizes keep their sign ('-2.00 KiB'). */
export function byteSize(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${sign}${Math.round(abs)} B`;
  let unit = 0;
  let value = abs;
  while (unit < UNITS.length - 1 && value >= 1024) {
    value /= 1024;
    unit++;
  }
  let text = significant(value);
  // 1023.9 KiB rounds to '1024': say 1.00 MiB instead.
  if (Number(text) >= 1024 && unit < UNITS.length - 1) {
    unit++;
    text = significant(value / 1024);
  }
  return `${sign}${text} ${UNITS[unit]}`;
}

/** A change in size: '+1.10 MiB', '-512 B', '±0 B' for no change. */
export function signedByteSize(bytes: number): string {
  if (bytes === 0) return '±0 B';
  return bytes > 0 ? `+${byteSize(bytes)}` : byteSize(bytes);
}

function significant(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return value.toFixed(digits);
}
