/**
 * Number formatting that reproduces what pstats prints, so a figure in the editor can be compared
 * character for character with `python -m pstats`.
 */

/**
 * Python's '%.Nf': round half to even on the exact binary value. JS toFixed rounds exact ties up,
 * so ties are detected on the exact decimal expansion (toFixed(100) is exact for the magnitudes timings have).
 */
export function pythonFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  const naive = value.toFixed(digits);
  // Only values whose scaled fraction sits at .5 can be exact ties; the exact check below is costly.
  const scaled = Math.abs(value) * 10 ** digits;
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-6) return naive;
  const exact = Math.abs(value).toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(rest)) return naive;
  // An exact tie: keep the even neighbour, as Python does.
  const kept = exact.slice(0, dot + 1 + digits).replace(/\.$/, '');
  const lastDigit = Number(kept[kept.length - 1]);
  if (lastDigit % 2 === 0) return (value < 0 ? '-' : '') + kept;
  return naive;
}

/** pstats' f8: seconds with three decimals. */
export function pstatsSeconds(seconds: number): string {
  return pythonFixed(seconds, 3);
}

/** pstats prints 'total/primitive' when they differ (recursion), else the total. */
export function pstatsCalls(totalCalls: number, primitiveCalls: number): string {
  return totalCalls === primitiveCalls ? String(totalCalls) : `${totalCalls}/${primitiveCalls}`;
}

/** pstats' two 'percall' columns: tottime/ncalls and cumtime/primitive calls; blank when the divisor is 0. */
export function perCallSeconds(seconds: number, calls: number): string {
  return calls === 0 ? '' : pstatsSeconds(seconds / calls);
}

export function groupThousands(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Calls for people: '3,000,000', or '8,361/1' when recursion makes primitive calls differ. */
export function readableCalls(totalCalls: number, primitiveCalls: number): string {
  return totalCalls === primitiveCalls
    ? groupThousands(totalCalls)
    : `${groupThousands(totalCalls)}/${groupThousands(primitiveCalls)}`;
}

/** '1 call', '3,000,000 calls', '8,361/1 calls'. */
export function callsPhrase(totalCalls: number, primitiveCalls: number): string {
  return `${readableCalls(totalCalls, primitiveCalls)} ${totalCalls === 1 ? 'call' : 'calls'}`;
}

export function percentOf(part: number, whole: number): string {
  if (whole <= 0) return '0.0%';
  return `${pythonFixed((part / whole) * 100, 1)}%`;
}
