/** Show Details: the webhook resource as read-only JSON in an editor (gemini-webhook:/<id>.json). */
import * as vscode from 'vscode';
import { detailsUri } from '../webhookDetailsProvider';
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';

export function showWebhookDetails(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<vscode.TextEditor> => {
    const webhook = await resolveWebhook(deps, node, vscode.l10n.t('Pick the webhook to show'));
    const uri = detailsUri(webhook.id);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
    return vscode.window.showTextDocument(doc, { preview: true });
  };
}
