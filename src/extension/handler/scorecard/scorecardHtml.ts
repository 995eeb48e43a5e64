/** The scorecard page's HTML shell: the inspector's strict CSP with a per-load nonce, local resources only. */
import * as vscode from 'vscode';
import { escapeHtml, webviewPage } from '../../platform/webviewHtml';

export function scorecardHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewPage(
    webview,
    extensionUri,
    'scorecard',
    vscode.l10n.t('Handler Scorecard'),
    `<header>
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
  <section id="causes" class="causes" aria-label="${escapeHtml(vscode.l10n.t('What most failures have in common'))}" hidden></section>
  <ul id="checks" class="checks" aria-label="${escapeHtml(vscode.l10n.t('Checks, failed first'))}"></ul>
</main>`,
  );
}
