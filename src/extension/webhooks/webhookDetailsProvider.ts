/**
 * Read-only JSON of a webhook resource, as the API answers it, in an editor:
 * `gemini-webhook:/<id>.json`. The API never shows a full signing secret after creation, and this
 * document is built from `get` only, so it never holds one.
 */
import * as vscode from 'vscode';
import { redact } from '../../core/util/redact';
import { BackendService } from './backend/backendService';
import { Disposable } from '../platform/disposable';
import { DETAILS_SCHEME } from '../platform/ids';

export function detailsUri(webhookId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${encodeURIComponent(webhookId)}.json` });
}

export function webhookIdOf(uri: vscode.Uri): string {
  return decodeURIComponent(uri.path.replace(/^\//, '').replace(/\.json$/, ''));
}

export class WebhookDetailsProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  /** Details documents open in the editor (forgotten when closed). */
  private readonly open = new Set<string>();

  constructor(private readonly backend: BackendService) {
    super();
    this.register(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === DETAILS_SCHEME) this.open.delete(doc.uri.toString());
      }),
    );
  }

  /** How many details documents are tracked as open (tests check it shrinks on close). */
  get openCount(): number {
    return this.open.size;
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const id = webhookIdOf(uri);
    this.open.add(uri.toString());
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const client = await this.backend.client();
      const webhook = await client.get(id, { signal: controller.signal });
      return `${JSON.stringify(webhook, null, 2)}\n`;
    } catch (error) {
      const message = redact(error instanceof Error ? error.message : String(error));
      return `${JSON.stringify({ error: vscode.l10n.t('Could not load webhook {0}: {1}', id, message) }, null, 2)}\n`;
    } finally {
      sub.dispose();
    }
  }

  /** Re-reads the open details documents (after a change). */
  refreshAll(): void {
    for (const uri of this.open) this.changed.fire(vscode.Uri.parse(uri));
  }
}
