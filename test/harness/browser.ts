// Headless Debian Chromium for the code-server drivers (extHostTests.ts, test/e2e/run.ts).
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/**
 * Playwright gives every launch a fresh profile (under $TMPDIR, which the scripts point into the run folder).
 * An interrupted run (Ctrl-C, or TERM from the scripts' timeouts) closes the browser and exits at once
 * instead of carrying on with a closed browser.
 */
let interrupted: NodeJS.Signals | undefined;
/** The signal that interrupted this run, if any: its results are incomplete and must not be reported. */
export const interruptedBy = (): NodeJS.Signals | undefined => interrupted;

export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.PYROMETER_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const signals: [NodeJS.Signals, number][] = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]];
  for (const [signal, code] of signals) {
    process.once(signal, () => {
      interrupted = signal;
      console.error(`${signal}: closing the browser`);
      setTimeout(() => process.exit(code), 5_000).unref();
      void browser.close().finally(() => process.exit(code));
    });
  }
  return browser;
}

/** Milliseconds from an environment variable, or the default. */
export function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
