/** Copy Receiver URL: copies the URL senders should use — through asExternalUri, so it works in remote windows too. */
import * as vscode from 'vscode';
import { EventCommandDeps } from './deps';

export function copyReceiverUrl({ receiver: service, ui, clipboard }: EventCommandDeps) {
  return async (): Promise<string | undefined> => {
    const url = service.url;
    if (!url) throw new Error(vscode.l10n.t('The receiver is not running: start it first (Gemini Webhooks: Start Receiver).'));
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(url));
    // asExternalUri keeps the path; toString(true) avoids re-encoding it.
    const text = external.toString(true);
    await clipboard.writeText(text);
    void ui.current.info(vscode.l10n.t('Copied {0}', text));
    return text;
  };
}
