// One Pyrometer webview app loaded in Chromium without VS Code, as the browser suites load it: its bundle
// (dist/webview/<app>.js) and stylesheet (media/<app>.css) served from a fake origin under the panels' CSP (no
// default source, styles from the origin, scripts only with the page's nonce), and a theme's --vscode-* variables.
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { type Theme, THEMES } from './vscodeThemes';

const repoRoot = path.resolve(__dirname, '..', '..', '..'); // out/test/webview -> repo
const NONCE = 'dGVzdC1ub25jZQ==';

export interface AppPageOptions {
  /** The fake origin, e.g. http://flamegraph.test. */
  readonly origin: string;
  /** The bundle's and stylesheet's name: flameGraph, functionTable. */
  readonly app: string;
  readonly theme: Theme;
  /** The view's fixed markup, as the extension writes it. */
  readonly body: string;
  /**
   * Files the page may fetch (the flame graph's data as the server writes it), by path: the CSP then allows
   * connect-src to the origin, as the panel's does.
   */
  readonly fetched?: Readonly<Record<string, FetchedFile>>;
}

export interface FetchedFile {
  readonly body: string;
  readonly status?: number;
  /** How long the answer takes: a slow fetch still in flight when the next answer arrives. */
  readonly delayMs?: number;
}

/** Serves the app's page on `page` (go to `${origin}/` to load it) and records its errors and dialogs. */
export async function serveAppPage(page: Page, o: AppPageOptions, watch: { errors: string[]; dialogs: string[] }): Promise<void> {
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${o.origin}; script-src 'nonce-${NONCE}';${o.fetched ? ` connect-src ${o.origin};` : ''}">
<link rel="stylesheet" href="${o.origin}/theme.css"><link rel="stylesheet" href="${o.origin}/${o.app}.css">
<title>${o.app} test</title></head>
<body class="vscode-${o.theme}">${o.body}
<script nonce="${NONCE}" src="${o.origin}/${o.app}.js"></script></body></html>`;
  const files: Record<string, [string, string]> = {
    [`/${o.app}.js`]: [path.join(repoRoot, 'dist', 'webview', `${o.app}.js`), 'text/javascript'],
    [`/${o.app}.css`]: [path.join(repoRoot, 'media', `${o.app}.css`), 'text/css'],
  };
  await page.route(`${o.origin}/**`, async route => {
    const url = new URL(route.request().url());
    if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: html });
    if (url.pathname === '/theme.css') return route.fulfill({ contentType: 'text/css', body: THEMES[o.theme] });
    const fetched = o.fetched?.[url.pathname];
    if (fetched) {
      if (fetched.delayMs) await new Promise(resolve => setTimeout(resolve, fetched.delayMs));
      return route.fulfill({ status: fetched.status ?? 200, contentType: 'application/json', body: fetched.body });
    }
    const file = files[url.pathname];
    if (file) return route.fulfill({ contentType: file[1], body: fs.readFileSync(file[0]) });
    return route.fulfill({ status: 404, body: '' });
  });
  page.on('pageerror', e => watch.errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') watch.errors.push(m.text()); });
  page.on('dialog', d => { watch.dialogs.push(d.message()); void d.dismiss(); });
}
