/**
 * Composition root: builds the services and hands them to the features, top to bottom.
 * Every registration, server and channel is a disposable owned by `context.subscriptions`.
 */
import * as vscode from 'vscode';
import { CommandRunner, UiHolder } from './commands/commandRunner';
import { SecretStore } from './secrets/secretStore';
import { VsCodeUi } from './ui/userInterface';

/** What `activate` returns: used by the integration tests to reach the running services. */
export interface ExtensionApi {
  readonly log: vscode.LogOutputChannel;
  /** The UI commands prompt through; tests replace `ui.current` with a ScriptedUi. */
  readonly ui: UiHolder;
  readonly secrets: SecretStore;
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  // Foundations: log, prompts, the command wrapper, secrets.
  const log = vscode.window.createOutputChannel('Gemini Webhooks', { log: true });
  context.subscriptions.push(log);
  const ui = new UiHolder(new VsCodeUi());
  const secrets = new SecretStore(context.secrets, log);
  context.subscriptions.push(secrets);
  let apiKey: string | undefined;
  const refreshKnownKey = async () => (apiKey = await secrets.getApiKey());
  await refreshKnownKey();
  context.subscriptions.push(secrets.onDidChange((key) => key === 'apiKey' && void refreshKnownKey()));
  const commands = new CommandRunner(ui, log, () => (apiKey ? [apiKey] : []));
  context.subscriptions.push(commands.register('geminiWebhooks.showLog', () => log.show(true)));

  log.info(`Gemini Webhooks activated (VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI)`);
  return { log, ui, secrets };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
