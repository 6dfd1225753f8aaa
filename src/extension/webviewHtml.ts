import { randomBytes } from 'crypto';
import vscode = require('vscode');

/** One webview app: its bundle in dist/webview, its stylesheet in media, and its static body markup. */
export interface WebviewApp {
  readonly bundle: string;
  readonly stylesheet: string;
  readonly title: string;
  /** Fixed markup only: profile data reaches the page through messages, never through this string. */
  readonly body: string;
  /** Whether the page may fetch() files the webview may load (connect-src): the flame graph fetches its data. */
  readonly fetchesResources?: boolean;
}

/**
 * The page every Pyrometer webview loads, in one place: a strict CSP (no default source, styles from the
 * extension, scripts only with this load's nonce) and assets through asWebviewUri.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, app: WebviewApp): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', app.bundle));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', app.stylesheet));
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';${app.fetchesResources ? ` connect-src ${webview.cspSource};` : ''}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${app.title}</title></head>
<body>${app.body}
<script nonce="${nonce}" src="${script}"></script></body></html>`;
}

/** The folders a Pyrometer webview may load from. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}
