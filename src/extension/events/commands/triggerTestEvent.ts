/**
 * Trigger Test Event: pick a catalog type, then how to send it — signed with a stored secret
 * (a webhook's, or one added by hand), through the emulator (a job whose webhook_config points at
 * the receiver: a dynamic delivery, signed `v1a` Ed25519 or as a JWT per the emulator's
 * dynamicSigning setting), or unsigned (to see a rejection). The receiver is started first when it is off.
 */
import * as vscode from 'vscode';
import { ApiError, EMULATOR_JOB_TYPES, JobsClient, startEmulatorJob } from '../../../core/api';
import { DYNAMIC_SIGNING_LABELS } from '../../../core/emulator/dynamicSigner';
import { EMULATOR_LOCAL_KEY } from '../../../core/emulator/localKey';
import { EVENT_CATALOG } from '../../../core/events/catalog';
import { sendStaticTestEvent } from '../../../core/receiver/testEvent';
import { EventCommandDeps } from './deps';

const OPEN_INSPECTOR = vscode.l10n.t('Open Inspector');

/** Lets tests and scripts skip the pickers: `{ type, via: 'secret:<label>' | 'emulator' | 'unsigned' }`. */
export interface TriggerArgs {
  readonly type?: string;
  readonly via?: string;
}

interface Route {
  readonly label: string;
  readonly description?: string;
  readonly id: string;
  readonly secret?: string;
}

export interface TriggerResult {
  readonly type: string;
  readonly via: string;
  /** Static: the receiver's answer. */
  readonly verdict?: string;
  readonly seq?: number;
  /** Emulator: the job that will deliver the event. */
  readonly job?: string;
}

export function triggerTestEvent(deps: EventCommandDeps) {
  return async (args?: TriggerArgs): Promise<TriggerResult> => {
    const ui = deps.ui.current;
    let type = args?.type;
    if (!type) {
      const items = EVENT_CATALOG.map((e) => ({ label: e.type, description: e.description }));
      type = (await ui.pick(items, { placeHolder: vscode.l10n.t('Pick the event type to send to the receiver'), matchOnDescription: true })).label;
    }
    const routes = await routesFor(deps, type);
    const route = args?.via
      ? routes.find((r) => r.id === args.via)
      : await ui.pick(routes, { placeHolder: vscode.l10n.t('How should the {0} event be sent?', type) });
    if (!route) throw new Error(vscode.l10n.t('No way to send the event named "{0}": add a signing secret or use the emulator.', String(args?.via)));

    const receiver = deps.feed.receiver;
    if (!receiver.running) await receiver.start();
    const url = receiver.url;
    if (!url) throw new Error(vscode.l10n.t('The receiver is not running: start it with "Gemini Webhooks: Start Receiver".'));

    if (route.id === 'emulator') {
      const emulatorUrl = deps.backend?.emulatorUrl();
      if (!emulatorUrl) throw new Error(vscode.l10n.t('The local emulator is not running: start it with "Gemini Webhooks: Start Local Emulator".'));
      const jobs = new JobsClient({ baseUrl: emulatorUrl, apiVersion: 'v1beta', apiKey: async () => EMULATOR_LOCAL_KEY, timeoutMs: 10_000 });
      const job = await startEmulatorJob(jobs, type, url)
        .catch((error: unknown) => {
          // The emulator's own refusal, not the Webhooks API's: keep the webhook describers (API key, 404 → refresh) out of it.
          if (error instanceof ApiError)
            throw new Error(vscode.l10n.t('The emulator refused the test job ({0} {1}): {2}', error.httpStatus, error.status, error.message));
          throw error;
        })
        .finally(() => jobs.close());
      deps.log.info(`Test event ${type}: started emulator job ${job.name}; its dynamic delivery (${signingLabel(deps)}) goes to ${url}.`);
      void ui.info(vscode.l10n.t('The emulator will deliver {0} to the receiver when its job ends (a few seconds).', type));
      return { type, via: route.id, job: job.name };
    }
    const sent = await sendStaticTestEvent(url, type, route.secret);
    const verdict = sent.answer.status ?? `HTTP ${sent.status}`;
    deps.log.info(
      `Test event ${type} (${route.id === 'unsigned' ? 'unsigned' : 'signed'}): the receiver answered ${sent.status} ${verdict}${sent.answer.reason ? ` — ${sent.answer.reason}` : ''}.`,
    );
    const message =
      verdict === 'rejected'
        ? vscode.l10n.t('Sent {0}: rejected — {1}', type, sent.answer.reason ?? '')
        : sent.answer.seq
          ? vscode.l10n.t('Sent {0}: {1} (#{2}).', type, verdict, sent.answer.seq)
          : vscode.l10n.t('Sent {0}: {1}.', type, verdict);
    void ui
      .info(message, OPEN_INSPECTOR)
      .then((choice) => choice === OPEN_INSPECTOR && deps.inspector.show(sent.answer.seq))
      .then(undefined, (error: unknown) => deps.log.error(`Could not open the inspector: ${error instanceof Error ? error.message : String(error)}`));
    return { type, via: route.id, verdict, ...(sent.answer.seq ? { seq: sent.answer.seq } : {}) };
  };
}

async function routesFor(deps: EventCommandDeps, type: string): Promise<Route[]> {
  const routes: Route[] = [];
  const seen = new Set<string>();
  for (const c of await deps.secrets.candidates()) {
    const key = c.webhookId ?? c.label;
    if (seen.has(key)) continue; // the current secret comes first
    seen.add(key);
    routes.push(
      c.webhookId
        ? {
            id: `secret:${c.webhookId}`,
            label: vscode.l10n.t("Sign with {0}'s stored secret", c.webhookId),
            description: vscode.l10n.t('Standard Webhooks (HMAC)'),
            secret: c.secret,
          }
        : {
            id: `secret:${c.label}`,
            label: vscode.l10n.t('Sign with "{0}"', c.label.replace(/ \(added by hand\)$/, '')),
            description: vscode.l10n.t('added by hand · Standard Webhooks (HMAC)'),
            secret: c.secret,
          },
    );
  }
  if (deps.backend?.kind === 'emulator' && deps.backend.emulatorUrl() && EMULATOR_JOB_TYPES[type]) {
    routes.push({
      id: 'emulator',
      label: vscode.l10n.t('Through the emulator (dynamic delivery, {0})', signingLabel(deps)),
      description: EMULATOR_JOB_TYPES[type],
    });
  }
  routes.push({ id: 'unsigned', label: vscode.l10n.t('Unsigned'), description: vscode.l10n.t('See how the receiver rejects an unsigned delivery') });
  return routes;
}

/** The form the embedded emulator signs dynamic deliveries in: "v1a Ed25519" or "JWT RS256". */
function signingLabel(deps: EventCommandDeps): string {
  const mode = deps.backend?.emulatorDynamicSigning?.();
  return mode ? DYNAMIC_SIGNING_LABELS[mode] : DYNAMIC_SIGNING_LABELS.v1a;
}
