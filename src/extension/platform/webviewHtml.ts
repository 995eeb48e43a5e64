/**
 * What every webview page of the extension shares (the inspector, the scorecard): a per-load nonce,
 * a strict Content-Security-Policy (no default source, scripts and styles by nonce or from the
 * extension, nothing remote) and the only folders a page may load from.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

/** The only folders the page may load from. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function contentSecurityPolicy(cspSource: string, n: string): string {
  return [`default-src 'none'`, `style-src ${cspSource} 'nonce-${n}'`, `script-src 'nonce-${n}'`, `img-src ${cspSource}`, `font-src ${cspSource}`].join('; ');
}

/** Text made safe inside HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A whole page: the shared head (charset, the CSP with a fresh nonce, viewport, `media/<name>.css`, the
 * title), the page's own body markup, then `dist/webview/<name>.js` under the same nonce.
 */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, name: string, title: string, body: string): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${name}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', `${name}.css`));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${n}" href="${style.toString()}">
<title>${escapeHtml(title)}</title>
</head>
<body>
${body}
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
}
