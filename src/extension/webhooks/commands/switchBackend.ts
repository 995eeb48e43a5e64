/** The status bar item's command: a quick pick between the emulator and the Gemini API. */
import * as vscode from 'vscode';
import { WebhookCommandDeps } from './deps';
import { COMMANDS } from '../../platform/ids';


export function switchBackend(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    const live = deps.backend.kind;
    const items = [
      { label: '$(server-environment) Local Emulator', description: live === 'emulator' ? 'current' : '', detail: 'Offline, on loopback, no key needed.', command: COMMANDS.startEmulator },
      { label: '$(cloud) Gemini API', description: live === 'gemini' ? 'current' : '', detail: 'The real API with your API key.', command: COMMANDS.useGeminiApi },
    ];
    const picked = await deps.ui.current.pick(items, { placeHolder: 'Which API should the Webhooks view use?' });
    await vscode.commands.executeCommand(picked.command);
  };
}
