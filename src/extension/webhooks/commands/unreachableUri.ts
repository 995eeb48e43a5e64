/**
 * On the Gemini API, a URI only this machine or its network reaches gets a modal before Create or Edit
 * sends it: go ahead anyway (`proceed`: "Create Anyway", "Save Anyway"), or the next step (the public URL
 * setting). Every delivery to such a URI would fail and be retried for 24 hours.
 */
import * as vscode from 'vscode';
import { safeUrl } from '../../../core/util/redact';
import { urlHostScope } from '../../../core/util/url';
import { SETTINGS } from '../../platform/ids';
import { WebhookCommandDeps } from './deps';

/** True: send it (a public URI, or the user chose `proceed`); false: stop here. */
export async function confirmReachable(deps: WebhookCommandDeps, uri: string, proceed: string, closeFlow: () => void): Promise<boolean> {
  const scope = urlHostScope(uri);
  if (scope === undefined || scope === 'public') return true;
  closeFlow();
  const setPublicUrl = vscode.l10n.t('Set Public URL');
  const answer = await deps.ui.current.modal(
    vscode.l10n.t('The Gemini API cannot deliver to {0}', safeUrl(uri)),
    [
      scope === 'loopback'
        ? vscode.l10n.t('It is a loopback address: only this machine reaches it.')
        : vscode.l10n.t('It is a private-network address: the internet does not reach it.'),
      vscode.l10n.t(
        'Every delivery would fail and be retried for 24 hours. Give the receiver a public URL: a tunnel (ngrok http {0}) or a forwarded port, or set {1}.',
        String(new URL(uri).port || (uri.startsWith('https:') ? 443 : 80)),
        SETTINGS.receiverPublicUrl,
      ),
    ].join(' '),
    [proceed, setPublicUrl],
    vscode.l10n.t('Cancel'),
  );
  if (answer === proceed) return true;
  if (answer === setPublicUrl) void vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS.receiverPublicUrl);
  return false;
}
