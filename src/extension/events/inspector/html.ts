/** The inspector page's HTML shell: strict CSP with a per-load nonce, local resources only (platform/webviewHtml.ts). */
import * as vscode from 'vscode';
import { webviewPage } from '../../platform/webviewHtml';

export function inspectorHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewPage(
    webview,
    extensionUri,
    'inspector',
    'Webhook Inspector',
    `<header class="toolbar" role="search">
  <input id="search" type="search" placeholder="Search ids and body" aria-label="Search ids and body">
  <select id="filter-type" aria-label="Event type"><option value="">All types</option></select>
  <select id="filter-verdict" aria-label="Verdict">
    <option value="">All verdicts</option><option value="verified">Verified</option><option value="duplicate">Duplicate</option><option value="rejected">Rejected</option>
  </select>
  <select id="filter-source" aria-label="Source webhook"><option value="">All sources</option></select>
  <span id="count" class="count" aria-live="polite"></span>
  <span id="receiver" class="receiver"></span>
</header>
<main class="split">
  <div id="list" class="list" role="listbox" aria-label="Deliveries, newest first"></div>
  <div id="detail" class="detail" aria-label="Delivery details"></div>
</main>`,
  );
}
