// speedscope itself (the `speedscope` npm package's built app, node_modules/speedscope/dist/release) in Debian's
// Chromium, for the test that opens Pyrometer's exports in it (test/webview/speedscope.browser.ts) and the bench
// that times its importer against Pyrometer's parsers (bench/speedscopeImporter.bench.ts).
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from './browser';

const repoRoot = path.resolve(__dirname, '..', '..', '..'); // out/test/harness -> repo
export const SPEEDSCOPE_DIR = path.join(repoRoot, 'node_modules', 'speedscope', 'dist', 'release');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

/** Serves speedscope's app at / and the given files at /profiles/NAME; nothing else. */
export async function serveSpeedscope(profiles: Map<string, string | Buffer>): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = decodeURIComponent(url.pathname);
    let body: Buffer | string | undefined;
    let file = '';
    if (pathname.startsWith('/profiles/')) {
      file = pathname.slice('/profiles/'.length);
      body = profiles.get(file);
    } else {
      file = pathname === '/' ? 'index.html' : pathname.slice(1);
      const full = path.join(SPEEDSCOPE_DIR, file);
      if (full.startsWith(SPEEDSCOPE_DIR + path.sep) && fs.existsSync(full) && fs.statSync(full).isFile()) body = fs.readFileSync(full);
    }
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise(resolve => server.close(() => resolve())) };
}

/** speedscope draws with WebGL: Chromium without a GPU gives it SwiftShader when allowed to. */
export function launchSpeedscopeChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.PYROMETER_CHROMIUM || '/usr/bin/chromium', headless: true,
    args: [...CHROMIUM_ARGS, '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
  });
}

export interface Opened {
  readonly page: Page;
  readonly title: string;
  readonly problems: string[];
  /**
   * speedscope's own timing of the import (`console.time('import')` in its loadProfile: fetching the file, reading
   * it as text, its importer, demangling), as it logged it; undefined when it logged none.
   */
  readonly importMs?: number;
}

/** Opens speedscope on one served file and waits for it to import it (its title) or to give up. */
export async function openInSpeedscope(browser: Browser, origin: string, file: string, expectedTitle: string, timeoutMs: number): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems: string[] = [];
  let importMs: number | undefined;
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  page.on('dialog', d => {
    problems.push(`alert: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', m => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    const timing = /^import: ([\d.]+) ?ms/.exec(m.text());
    if (timing) importMs = Number(timing[1]);
  });
  await page.goto(`${origin}/index.html#profileURL=${encodeURIComponent(`${origin}/profiles/${file}`)}`);
  await page.waitForFunction(
    ([title]) => document.title === title || /Something went wrong/.test(document.body.innerText),
    [`${expectedTitle} - speedscope`], { timeout: timeoutMs, polling: 100 },
  ).catch(() => undefined);
  // The timing is logged right after the title is set.
  for (let i = 0; i < 20 && importMs === undefined; i++) await page.waitForTimeout(50);
  return { page, title: await page.title(), problems, importMs };
}
