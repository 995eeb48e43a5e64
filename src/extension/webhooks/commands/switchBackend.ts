/** The status bar item's command: a quick pick between the emulator and the Gemini API. */
import * as vscode from 'vscode';
import { WebhookCommandDeps } from './deps';
import { COMMANDS } from '../../platform/ids';

export function switchBackend(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    const live = deps.backend.kind;
    const items = [
      {
        label: `$(server-environment) ${vscode.l10n.t('Local Emulator')}`,
        description: live === 'emulator' ? vscode.l10n.t('current') : '',
        detail: vscode.l10n.t('Offline, on loopback, no key needed.'),
        command: COMMANDS.startEmulator,
      },
      {
        label: `$(cloud) ${vscode.l10n.t('Gemini API')}`,
        description: live === 'gemini' ? vscode.l10n.t('current') : '',
        detail: vscode.l10n.t('The real API with your API key.'),
        command: COMMANDS.useGeminiApi,
      },
    ];
    const picked = await deps.ui.current.pick(items, { placeHolder: vscode.l10n.t('Which API should the Webhooks view use?') });
    await vscode.commands.executeCommand(picked.command);
  };
}
