/** Clear API Key: asks first, then removes it from SecretStorage. */
import * as vscode from 'vscode';
import { WebhookCommandDeps } from './deps';

export function clearApiKey(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    if (!(await deps.secrets.getApiKey())) {
      await deps.ui.current.info(vscode.l10n.t('No API key is stored.'));
      return;
    }
    await deps.ui.current.confirm(
      vscode.l10n.t('Clear the stored Gemini API key?'),
      vscode.l10n.t('You will need to set it again to manage webhooks on the Gemini API.'),
      vscode.l10n.t('Clear'),
    );
    await deps.secrets.clearApiKey();
    await deps.backend.refreshKeyState();
    deps.log.info('API key cleared.');
    await deps.tree.refresh();
  };
}
