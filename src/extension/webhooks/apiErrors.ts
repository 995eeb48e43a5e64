/**
 * How API failures read to the user (added to the CommandRunner, and used by the tree's error node):
 * 401/403 → the key was rejected (Set API Key); 404 on a webhook → it is gone (and the tree refreshes);
 * 429 → when to try again; network down → can't reach the host (Retry / Start Local Emulator);
 * a base URL that cannot be used names the setting geminiWebhooks.api.baseUrl; a key a header cannot carry says so.
 * Messages are built from status codes, ids and hosts only: never from a key or secret.
 */
import * as vscode from 'vscode';
import { ApiError, ApiKeyFormatError, BaseUrlError, NetworkError } from '../../core/api';
import { EmulatorStartError } from './backend/backendService';
import { ErrorDescriber, UserFacingError } from '../platform/commandRunner';
import { COMMANDS, SETTINGS } from '../platform/ids';

/** A webhook a command acted on no longer exists (the API answered 404). */
export class WebhookGoneError extends Error {
  override readonly name = 'WebhookGoneError';
  constructor(readonly webhookId: string) {
    super(vscode.l10n.t('Webhook {0} no longer exists.', webhookId));
  }
}

/** Runs an API call on one webhook, turning its 404 into WebhookGoneError. */
export async function onWebhook<T>(webhookId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError && error.httpStatus === 404) throw new WebhookGoneError(webhookId);
    throw error;
  }
}

export interface ApiErrorContext {
  /** 'emulator' or 'gemini': the network message differs. */
  backendKind(): string;
  /** Reloads the tree (after a 404). */
  refresh(): void;
}

const run =
  (command: string, ...args: unknown[]) =>
  () =>
    vscode.commands.executeCommand(command, ...args);

/** The user-facing description of an API failure, or undefined for errors it does not know. */
export function describeApiError(error: unknown, commandId: string, ctx: ApiErrorContext, retry?: () => unknown): UserFacingError | undefined {
  if (error instanceof WebhookGoneError) {
    ctx.refresh();
    return { message: error.message };
  }
  if (error instanceof BaseUrlError) {
    return {
      message: vscode.l10n.t('Setting geminiWebhooks.api.baseUrl: {0}', error.message),
      actions: [{ title: vscode.l10n.t('Open Settings'), run: run('workbench.action.openSettings', SETTINGS.apiBaseUrl) }],
    };
  }
  if (error instanceof ApiKeyFormatError) {
    return { message: error.message, actions: [{ title: vscode.l10n.t('Set API Key'), run: run(COMMANDS.setApiKey) }] };
  }
  if (error instanceof EmulatorStartError) {
    return { message: error.message, actions: [{ title: vscode.l10n.t('Retry'), run: run(COMMANDS.retry) }] };
  }
  if (error instanceof NetworkError) {
    const again = { title: vscode.l10n.t('Retry'), run: retryOf(commandId, retry) };
    if (ctx.backendKind() === 'emulator') return { message: vscode.l10n.t("Can't reach the local emulator at {0}.", error.host), actions: [again] };
    return {
      message: vscode.l10n.t("Can't reach {0}. Check your connection or switch to the local emulator.", error.host),
      actions: [again, { title: vscode.l10n.t('Start Local Emulator'), run: run(COMMANDS.startEmulator) }],
    };
  }
  if (!(error instanceof ApiError)) return undefined;
  switch (error.httpStatus) {
    case 401:
    case 403:
      return { message: vscode.l10n.t('The API key was rejected.'), actions: [{ title: vscode.l10n.t('Set API Key'), run: run(COMMANDS.setApiKey) }] };
    case 404:
      ctx.refresh();
      return { message: vscode.l10n.t('Not found: {0}', error.message) };
    case 429: {
      const wait = error.retryAfterSeconds !== undefined ? Math.max(1, Math.ceil(error.retryAfterSeconds)) : undefined;
      return { message: wait !== undefined ? vscode.l10n.t('Rate limited; try again in {0} s.', wait) : vscode.l10n.t('Rate limited; try again in a minute.') };
    }
    default:
      if (error.httpStatus >= 500)
        return {
          message: vscode.l10n.t('The API failed ({0} {1}). Try again later.', error.httpStatus, error.status),
          actions: [{ title: vscode.l10n.t('Retry'), run: retryOf(commandId, retry) }],
        };
      return { message: vscode.l10n.t('The API refused the request: {0}', error.message) };
  }
}

/** Retry re-runs the command with its original arguments (the same webhook); tree-driven loads retry the tree. */
function retryOf(commandId: string, retry: (() => unknown) | undefined): () => unknown {
  if (retry) return retry;
  const base = commandId.split(' → ')[0];
  return run(base === 'tree' ? COMMANDS.retry : base);
}

export function apiErrorDescriber(ctx: ApiErrorContext): ErrorDescriber {
  return (error, commandId, retry) => describeApiError(error, commandId, ctx, retry);
}

/** The one-line message of the tree's error node. */
export function treeErrorMessage(error: unknown, ctx: ApiErrorContext): string {
  const described = describeApiError(error, 'tree', { ...ctx, refresh: () => undefined });
  if (described) return described.message;
  return error instanceof Error && error.message ? vscode.l10n.t('Loading failed: {0}', error.message) : vscode.l10n.t('Loading failed.');
}
