/**
 * Trigger Test Event: pick a catalog type, then how to send it — signed with a stored secret
 * (a webhook's, named as the user named the webhook, or one added by hand), through the emulator (a
 * job whose webhook_config points at the receiver: a dynamic delivery, signed `v1a` Ed25519 or as a
 * JWT per the emulator's dynamicSigning setting), or unsigned (to see a rejection). Every type is
 * offered the emulator route (a job of every catalog type's kind ends that way: on its own, cancelled,
 * or ended at once by the emulator's POST /emulator/jobs:finish); where it cannot apply (the Gemini
 * API is in use, the emulator is not running, a type no job has) the choice says why instead of being
 * missing. The receiver is started first when it is off.
 */
import * as vscode from 'vscode';
import { ApiError, EMULATOR_JOB_TYPES, EmulatorJobsClient, startEmulatorJob } from '../../../core/api';
import { DYNAMIC_SIGNING_LABELS } from '../../../core/emulator/dynamicSigner';
import { EMULATOR_LOCAL_KEY } from '../../../core/emulator/localKey';
import { EVENT_CATALOG } from '../../../core/events/catalog';
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
  readonly detail?: string;
  readonly id: string;
  readonly secret?: string;
  /** A way that does not apply to this type, and why (picking it says so and asks again). */
  readonly unavailable?: string;
}

/** The route id of the emulator's dynamic delivery. */
const EMULATOR = 'emulator';

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
    let route: Route | undefined;
    if (args?.via) {
      route = routes.find((r) => r.id === args.via);
      if (route?.unavailable) throw new Error(route.unavailable);
    } else {
      for (;;) {
        route = await ui.pick(routes, { placeHolder: vscode.l10n.t('How should the {0} event be sent?', type), matchOnDetail: true });
        if (!route.unavailable) break;
        await ui.info(route.unavailable);
      }
    }
    if (!route) throw new Error(vscode.l10n.t('No way to send the event named "{0}": add a signing secret or use the emulator.', String(args?.via)));

    const receiver = deps.feed.receiver;
    if (!receiver.running) await receiver.start();
    const url = receiver.url;
    if (!url) throw new Error(vscode.l10n.t('The receiver is not running: start it with "Gemini Webhooks: Start Receiver".'));

    if (route.id === EMULATOR) {
      const emulatorUrl = deps.backend?.emulatorUrl();
      if (!emulatorUrl) throw new Error(vscode.l10n.t('The local emulator is not running: start it with "Gemini Webhooks: Start Local Emulator".'));
      const jobs = new EmulatorJobsClient({ baseUrl: emulatorUrl, apiVersion: 'v1beta', apiKey: async () => EMULATOR_LOCAL_KEY, timeoutMs: 10_000 });
      const job = await startEmulatorJob(jobs, type, url)
        .catch((error: unknown) => {
          // The emulator's own refusal, not the Webhooks API's: keep the webhook describers (API key, 404 → refresh) out of it.
          if (error instanceof ApiError)
            throw new Error(vscode.l10n.t('The emulator refused the test job ({0} {1}): {2}', error.httpStatus, error.status, error.message));
          throw error;
        })
        .finally(() => jobs.close());
      deps.log.info(`Test event ${type}: started emulator job ${job.name}; its dynamic delivery (${signingLabel(deps)}) goes to ${url}.`);
      void ui.info(
        job.ended
          ? vscode.l10n.t('The emulator is delivering {0} to the receiver now: its job has ended.', type)
          : vscode.l10n.t('The emulator will deliver {0} to the receiver when its job ends (a few seconds).', type),
      );
      return { type, via: route.id, job: job.name };
    }
    // Signing lives with the receiver's verification, in dist/receiver.js (loaded on first use).
    const { sendStaticTestEvent } = await import('../../../core/receiver/index.js');
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
    if (c.webhookId) {
      // The webhook by the name the user gave it; its id beside it.
      const name = deps.webhookNames?.(c.webhookId);
      routes.push({
        id: `secret:${c.webhookId}`,
        label: vscode.l10n.t("Sign with {0}'s stored secret", name ?? c.webhookId),
        description: name ? vscode.l10n.t('Standard Webhooks (HMAC) · {0}', c.webhookId) : vscode.l10n.t('Standard Webhooks (HMAC)'),
        secret: c.secret,
      });
    } else
      routes.push({
        id: `secret:${c.label}`,
        label: vscode.l10n.t('Sign with "{0}"', c.label.replace(/ \(added by hand\)$/, '')),
        description: vscode.l10n.t('added by hand · Standard Webhooks (HMAC)'),
        secret: c.secret,
      });
  }
  const label = vscode.l10n.t('Through the emulator (dynamic delivery, {0})', signingLabel(deps));
  const why = emulatorUnavailable(deps, type);
  routes.push(
    why
      ? { id: EMULATOR, label: `$(circle-slash) ${label}`, description: vscode.l10n.t('not available for {0}', type), detail: why, unavailable: why }
      : { id: EMULATOR, label, description: EMULATOR_JOB_TYPES[type] },
  );
  routes.push({ id: 'unsigned', label: vscode.l10n.t('Unsigned'), description: vscode.l10n.t('See how the receiver rejects an unsigned delivery') });
  return routes;
}

/** Why the emulator cannot deliver `type` dynamically now, or undefined when it can. */
function emulatorUnavailable(deps: EventCommandDeps, type: string): string | undefined {
  if (deps.backend?.kind !== 'emulator')
    return vscode.l10n.t('Dynamic test deliveries come from the local emulator, and the Gemini API is in use: run "Start Local Emulator" to use it.');
  if (!deps.backend.emulatorUrl()) return vscode.l10n.t('The local emulator is not running: start it with "Gemini Webhooks: Start Local Emulator".');
  if (EMULATOR_JOB_TYPES[type]) return undefined;
  return vscode.l10n.t('No job of the emulator ends as {0}, so it cannot deliver it dynamically. Sign it with a stored secret instead.', type);
}

/** The form the embedded emulator signs dynamic deliveries in: "v1a Ed25519" or "JWT RS256". */
function signingLabel(deps: EventCommandDeps): string {
  const mode = deps.backend?.emulatorDynamicSigning?.();
  return mode ? DYNAMIC_SIGNING_LABELS[mode] : DYNAMIC_SIGNING_LABELS.v1a;
}
