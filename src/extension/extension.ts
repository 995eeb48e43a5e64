/**
 * Composition root: builds the services and hands them to the features, top to bottom.
 * Every registration, server and channel is a disposable owned by `context.subscriptions`.
 */
import * as vscode from 'vscode';

/** What `activate` returns: used by the integration tests to reach the running services. */
export interface ExtensionApi {
  readonly log: vscode.LogOutputChannel;
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const log = vscode.window.createOutputChannel('Gemini Webhooks', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(vscode.commands.registerCommand('geminiWebhooks.showLog', () => log.show(true)));

  log.info(`Gemini Webhooks activated (VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI)`);
  return { log };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
