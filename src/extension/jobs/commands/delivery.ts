/**
 * The questions every Start command shares: the model, and where the job's event goes — to the
 * receiver as a dynamic webhook (`webhook_config`, with `user_metadata`), or to the project's
 * registered webhooks (no webhook_config). Scripts and tests pass StartArgs instead: then nothing is
 * asked, and what they leave out takes its default (the kind's model, the receiver, no user_metadata).
 */
import * as vscode from 'vscode';
import { JobWebhookConfig } from '../../../core/api';
import { isLoopbackHost } from '../../../core/api/errors';
import { checkHttpUrl } from '../../../core/util/url';
import { SETTINGS } from '../../platform/ids';
import type { PromptFlow } from '../../platform/userInterface';
import { urlProblemMessage } from '../../platform/urlProblem';
import { JobCommandDeps } from './deps';

export interface StartArgs {
  readonly model?: string;
  /** 'receiver', 'registered', or a URL for webhook_config.uris. */
  readonly deliver?: string;
  /** user_metadata for a dynamic webhook; null for none. */
  readonly userMetadata?: Record<string, unknown> | null;
}

const DEFAULT_METADATA = { source: 'gemini-webhooks-vscode' };

export async function askModel(flow: PromptFlow, args: StartArgs | undefined, fallback: string): Promise<string> {
  if (args) return args.model ?? fallback;
  const value = await flow.input({
    title: vscode.l10n.t('Model'),
    prompt: vscode.l10n.t('The model that runs the job'),
    value: fallback,
    validateInput: (v) => (/^(models\/)?[\w.-]+$/.test(v.trim()) ? undefined : vscode.l10n.t('A model name such as {0}.', fallback)),
  });
  return value.trim();
}

/** The job's webhook_config, or undefined to leave the event to the registered webhooks. */
export async function askDelivery(deps: JobCommandDeps, flow: PromptFlow, args: StartArgs | undefined): Promise<JobWebhookConfig | undefined> {
  let deliver = args ? (args.deliver ?? 'receiver') : undefined;
  if (!deliver) {
    const running = deps.receiver.url();
    const items = [
      {
        label: vscode.l10n.t('To the receiver (dynamic webhook)'),
        description: running ?? vscode.l10n.t('starts the receiver'),
        detail: vscode.l10n.t('webhook_config.uris: this job’s event goes to the local receiver, signed with the JWKS keys'),
        id: 'receiver',
      },
      {
        label: vscode.l10n.t('To the registered webhooks'),
        description: vscode.l10n.t('no webhook_config'),
        detail: vscode.l10n.t('The event goes to every webhook of the project subscribed to it'),
        id: 'registered',
      },
    ];
    deliver = (await flow.pick(items, { title: vscode.l10n.t('Where should its event go?'), placeHolder: vscode.l10n.t('Where should its event go?') })).id;
  }
  if (deliver === 'registered') return undefined;
  let uri = deliver;
  if (deliver === 'receiver') {
    await deps.receiver.start();
    uri = deps.receiver.url() ?? '';
    if (!uri) throw new Error(vscode.l10n.t('The receiver is not running: start it with "Gemini Webhooks: Start Receiver".'));
    // The real service cannot reach loopback: the receiver's public URL (setting, forwarded port, ngrok), else ask for one.
    if (deps.backend.kind !== 'emulator' && isLoopbackHost(new URL(uri).hostname)) {
      const found = await deps.receiver.publicUrl();
      if (found) uri = found;
      else if (!args)
        uri = await flow.input({
          title: vscode.l10n.t('Public URL of the receiver'),
          prompt: vscode.l10n.t(
            'The Gemini API cannot reach {0}, and no public URL was found (setting {1}, a forwarded port, an ngrok tunnel): enter the public URL that forwards to the receiver.',
            uri,
            SETTINGS.receiverPublicUrl,
          ),
          value: uri,
          validateInput: (v) => validateTarget(v, deps.backend.kind),
        });
    }
    const problem = validateTarget(uri, deps.backend.kind);
    if (problem) throw new Error(problem);
  } else {
    const problem = validateTarget(uri, deps.backend.kind);
    if (problem) throw new Error(problem);
  }
  const userMetadata = args ? args.userMetadata : await askMetadata(flow);
  return { uris: [uri.trim()], ...(userMetadata ? { user_metadata: userMetadata } : {}) };
}

async function askMetadata(flow: PromptFlow): Promise<Record<string, unknown> | undefined> {
  const text = await flow.input({
    title: 'user_metadata',
    prompt: vscode.l10n.t('user_metadata: a JSON object that comes back with the event (empty for none)'),
    value: JSON.stringify(DEFAULT_METADATA),
    validateInput: (v) => (v.trim() === '' || parseObject(v) ? undefined : vscode.l10n.t('A JSON object, such as {"run": 1}, or nothing.')),
  });
  return text.trim() === '' ? undefined : parseObject(text);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function validateTarget(value: string, backend: string): string | undefined {
  const check = checkHttpUrl(value.trim());
  if (!check.ok) return urlProblemMessage(check.problem, undefined, vscode.l10n.t('Enter the URL the event is delivered to.'));
  if (backend !== 'emulator' && isLoopbackHost(new URL(value.trim()).hostname))
    return vscode.l10n.t('The Gemini API cannot reach a loopback address: enter a public URL that forwards to the receiver.');
  return undefined;
}
