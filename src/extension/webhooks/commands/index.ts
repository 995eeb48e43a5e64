/** Registers every webhook command through the one CommandRunner. */
import * as vscode from 'vscode';
import { CommandRunner } from '../../platform/commandRunner';
import { clearApiKey } from './clearApiKey';
import { copyWebhookId } from './copyWebhookId';
import { copyWebhookUri } from './copyWebhookUri';
import { createWebhook } from './createWebhook';
import { deleteWebhook } from './deleteWebhook';
import { WebhookCommandDeps } from './deps';
import { disableWebhook } from './disableWebhook';
import { editWebhook } from './editWebhook';
import { enableWebhook } from './enableWebhook';
import { loadMore } from './loadMore';
import { pingWebhook } from './pingWebhook';
import { reenableWebhook } from './reenableWebhook';
import { refreshWebhooks } from './refreshWebhooks';
import { retry } from './retry';
import { rotateSigningSecret } from './rotateSigningSecret';
import { setApiKey } from './setApiKey';
import { showWebhookDetails } from './showWebhookDetails';
import { startEmulator } from './startEmulator';
import { switchBackend } from './switchBackend';
import { useGeminiApi } from './useGeminiApi';
import { COMMANDS } from '../../platform/ids';

export type { WebhookCommandDeps } from './deps';

export function registerWebhookCommands(runner: CommandRunner, deps: WebhookCommandDeps): vscode.Disposable[] {
  return runner.registerAll(deps, [
    [COMMANDS.setApiKey, setApiKey],
    [COMMANDS.clearApiKey, clearApiKey],
    [COMMANDS.refresh, refreshWebhooks],
    [COMMANDS.loadMore, loadMore],
    [COMMANDS.retry, retry],
    [COMMANDS.createWebhook, createWebhook],
    [COMMANDS.editWebhook, editWebhook],
    [COMMANDS.enableWebhook, enableWebhook],
    [COMMANDS.reenableWebhook, reenableWebhook],
    [COMMANDS.disableWebhook, disableWebhook],
    [COMMANDS.deleteWebhook, deleteWebhook],
    [COMMANDS.rotateSigningSecret, rotateSigningSecret],
    [COMMANDS.pingWebhook, pingWebhook],
    [COMMANDS.copyWebhookId, copyWebhookId],
    [COMMANDS.copyWebhookUri, copyWebhookUri],
    [COMMANDS.showWebhookDetails, showWebhookDetails],
    [COMMANDS.startEmulator, startEmulator],
    [COMMANDS.useGeminiApi, useGeminiApi],
    [COMMANDS.switchBackend, switchBackend],
  ]);
}
