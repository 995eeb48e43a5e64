/** Add Signing Secret: stores a secret for a webhook made elsewhere, so the receiver can verify its deliveries. */
import * as vscode from 'vscode';
import { EventCommandDeps } from './deps';
import { validateSigningSecret } from '../../../core/verify/secretFormat';
import { validateSecretLabel } from './signingSecretFormat';

export function addSigningSecret(deps: EventCommandDeps) {
  return async (): Promise<string> => {
    const label = (
      await deps.ui.current.input({
        title: vscode.l10n.t('Add Signing Secret (1/2)'),
        prompt: vscode.l10n.t('A label for the secret (shown when it verifies a delivery)'),
        placeHolder: vscode.l10n.t('e.g. staging webhook'),
        validateInput: validateSecretLabel,
      })
    ).trim();
    const secret = (
      await deps.ui.current.input({
        title: vscode.l10n.t('Add Signing Secret (2/2)'),
        prompt: vscode.l10n.t('The signing secret for "{0}"', label),
        placeHolder: 'whsec_…',
        password: true,
        validateInput: validateSigningSecret,
      })
    ).trim();
    await deps.secrets.addManualSecret(label, secret);
    deps.log.info(`Added a signing secret labelled "${label}".`);
    void deps.ui.current.info(vscode.l10n.t('Signing secret "{0}" added: deliveries signed with it now verify.', label));
    return label;
  };
}
