/** Set API Key: a password input (trimmed; one run of visible characters), stored in SecretStorage only; the tree reloads. */
import * as vscode from 'vscode';
import { apiKeyProblem } from '../../../core/api';
import { WebhookCommandDeps } from './deps';

/** Asks for the key and stores it; resolves to false when the user dismissed the prompt. */
export async function promptAndStoreApiKey(deps: WebhookCommandDeps): Promise<void> {
  const key = await deps.ui.current.input({
    title: vscode.l10n.t('Gemini API key'),
    prompt: vscode.l10n.t("Paste your Gemini API key. It is kept in the editor's secret storage, never in settings."),
    password: true,
    placeHolder: 'AIza…',
    validateInput: (value) => apiKeyProblem(value.trim()),
  });
  const problem = apiKeyProblem(key.trim());
  if (problem) throw new Error(problem);
  await deps.secrets.setApiKey(key.trim());
  await deps.backend.refreshKeyState();
  deps.log.info('API key stored in secret storage.');
}

export function setApiKey(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    await promptAndStoreApiKey(deps);
    await deps.tree.refresh();
  };
}
