/** Registers every webhook command through the one CommandRunner. */
import * as vscode from 'vscode';
import { CommandRunner } from '../../platform/commandRunner';
import { CLEAR_API_KEY, clearApiKey } from './clearApiKey';
import { COPY_WEBHOOK_ID, copyWebhookId } from './copyWebhookId';
import { COPY_WEBHOOK_URI, copyWebhookUri } from './copyWebhookUri';
import { CREATE_WEBHOOK, createWebhook } from './createWebhook';
import { DELETE_WEBHOOK, deleteWebhook } from './deleteWebhook';
import { WebhookCommandDeps } from './deps';
import { DISABLE_WEBHOOK, disableWebhook } from './disableWebhook';
import { EDIT_WEBHOOK, editWebhook } from './editWebhook';
import { ENABLE_WEBHOOK, enableWebhook } from './enableWebhook';
import { LOAD_MORE, loadMore } from './loadMore';
import { PING_WEBHOOK, pingWebhook } from './pingWebhook';
import { REFRESH, refreshWebhooks } from './refreshWebhooks';
import { RETRY, retry } from './retry';
import { ROTATE_SIGNING_SECRET, rotateSigningSecret } from './rotateSigningSecret';
import { SET_API_KEY, setApiKey } from './setApiKey';
import { SHOW_WEBHOOK_DETAILS, showWebhookDetails } from './showWebhookDetails';
import { START_EMULATOR, startEmulator } from './startEmulator';
import { SWITCH_BACKEND, switchBackend } from './switchBackend';
import { USE_GEMINI_API, useGeminiApi } from './useGeminiApi';

export type { WebhookCommandDeps } from './deps';

export function registerWebhookCommands(runner: CommandRunner, deps: WebhookCommandDeps): vscode.Disposable[] {
  const commands: Array<[string, (deps: WebhookCommandDeps) => (...args: never[]) => unknown]> = [
    [SET_API_KEY, setApiKey],
    [CLEAR_API_KEY, clearApiKey],
    [REFRESH, refreshWebhooks],
    [LOAD_MORE, loadMore],
    [RETRY, retry],
    [CREATE_WEBHOOK, createWebhook],
    [EDIT_WEBHOOK, editWebhook],
    [ENABLE_WEBHOOK, enableWebhook],
    [DISABLE_WEBHOOK, disableWebhook],
    [DELETE_WEBHOOK, deleteWebhook],
    [ROTATE_SIGNING_SECRET, rotateSigningSecret],
    [PING_WEBHOOK, pingWebhook],
    [COPY_WEBHOOK_ID, copyWebhookId],
    [COPY_WEBHOOK_URI, copyWebhookUri],
    [SHOW_WEBHOOK_DETAILS, showWebhookDetails],
    [START_EMULATOR, startEmulator],
    [USE_GEMINI_API, useGeminiApi],
    [SWITCH_BACKEND, switchBackend],
  ];
  return commands.map(([id, make]) => runner.register(id, make(deps)));
}
