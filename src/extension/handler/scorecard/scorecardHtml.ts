/** The scorecard page's HTML shell: the inspector's strict CSP with a per-load nonce, local resources only. */
import * as vscode from 'vscode';
import { contentSecurityPolicy, nonce } from '../../platform/webviewHtml';

export function scorecardHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'scorecard.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'scorecard.css'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${n}" href="${style.toString()}">
<title>${escapeHtml(vscode.l10n.t('Handler Scorecard'))}</title>
</head>
<body>
<header>
  <h1 id="summary" class="summary" aria-live="polite">${escapeHtml(vscode.l10n.t('Checking…'))}</h1>
  <p id="target" class="target"></p>
  <div class="actions">
    <button id="rerun" type="button">${escapeHtml(vscode.l10n.t('Re-run'))}</button>
    <button id="copy" type="button" class="secondary">${escapeHtml(vscode.l10n.t('Copy as JSON'))}</button>
    <label><input id="only-failed" type="checkbox"> ${escapeHtml(vscode.l10n.t('Failed checks only'))}</label>
    <span id="status" class="status" role="status" aria-live="polite"></span>
  </div>
</header>
<main>
  <ul id="checks" class="checks" aria-label="${escapeHtml(vscode.l10n.t('Checks, failed first'))}"></ul>
</main>
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
