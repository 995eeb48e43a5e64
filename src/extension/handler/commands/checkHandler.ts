/**
 * Check My Handler…: asks for the handler's URL (default: the last one checked, else the receiver's
 * forward target, else the scaffolds' http://127.0.0.1:8000/gemini-callback), the stored secret it
 * verifies with, and whether to add dynamic deliveries; runs the probe with a cancellable progress
 * notification and opens the scorecard. The probe's requests go to the user's app, never to this
 * editor's receiver (its URL is refused), so none of them lands in the inspector's history.
 */
import * as vscode from 'vscode';
import { urlProblemMessage } from '../../platform/urlProblem';
import { validateSigningSecret } from '../../../core/verify/secretFormat';
import { safeUrl } from '../../../core/util/redact';
import { checkHttpUrl } from '../../../core/util/url';
import { SETTINGS } from '../../platform/ids';
import { UserCancelledError } from '../../platform/userInterface';
import { CheckRequest, HandlerDeps } from '../deps';
import { staticAndDynamicLabel } from '../probeSession';

/** Where the scaffolds listen when run as their header says. */
export const DEFAULT_HANDLER_URL = 'http://127.0.0.1:8000/gemini-callback';
const LAST_URL_KEY = 'handler.lastCheckedUrl';

export function checkHandler(deps: HandlerDeps, rememberRequest: (request: CheckRequest) => void) {
  return async (): Promise<void> => {
    const ui = deps.ui.current;
    const forwardTo = vscode.workspace.getConfiguration().get<string>(SETTINGS.receiverForwardTo, '').trim();
    const url = (
      await ui.input({
        title: vscode.l10n.t('Check My Handler (1/3)'),
        prompt: vscode.l10n.t('The URL of your webhook handler: the probe POSTs signed deliveries to it and grades each answer'),
        value: deps.state.get<string>(LAST_URL_KEY) || forwardTo || DEFAULT_HANDLER_URL,
        validateInput: (value) => validateHandlerUrl(value, deps.receiverUrl()),
      })
    ).trim();
    const secrets = await pickSecrets(deps);
    const dynamic = secrets.values.length === 0 ? true : await pickDynamic(deps);
    if (dynamic) await announceKeyServer(deps);
    await deps.state.update(LAST_URL_KEY, url);
    const request: CheckRequest = { url, secrets: secrets.values, dynamic, secretLabel: secrets.label };
    rememberRequest(request);
    await runChecks(deps, request, false);
  };
}

/** Runs the probe with progress, then shows the scorecard; an unreachable URL is an error with Retry. */
export async function runChecks(deps: HandlerDeps, request: CheckRequest, fromPanel: boolean): Promise<void> {
  const shown = safeUrl(request.url);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking your handler at {0}…', shown), cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      if (fromPanel) deps.scorecard.progress(0, 0);
      try {
        return await deps.session.run(request, controller.signal, (done, total) => {
          progress.report({ increment: 100 / total, message: `${done}/${total}` });
          if (fromPanel) deps.scorecard.progress(done, total);
        });
      } finally {
        sub.dispose();
      }
    },
  );
  if (outcome.kind === 'unreachable') {
    const reason = outcome.unreachable.reason;
    deps.log.warn(`Check My Handler: cannot reach ${shown}: ${reason}`);
    if (fromPanel) deps.scorecard.status(vscode.l10n.t('Cannot reach {0}: {1}', shown, reason), true);
    const retry = vscode.l10n.t('Retry');
    if ((await deps.ui.current.error(vscode.l10n.t('Cannot reach {0}: {1}', shown, reason), retry)) === retry) await runChecks(deps, request, fromPanel);
    return;
  }
  const report = outcome.report;
  const failed = report.checks.filter((c) => !c.ok && !c.cause).map((c) => c.name);
  const said = [...report.causes.map((c) => c.summary), ...(failed.length > 0 ? [`failed: ${failed.join(', ')}`] : [])];
  deps.log.info(
    `Check My Handler: ${shown}: ${report.passed} passed, ${report.failed} failed in ${report.durationMs} ms${said.length > 0 ? ` — ${said.join(' ')}` : ''}`,
  );
  deps.scorecard.show({ report, target: { url: shown, secretLabel: request.secretLabel } });
}

/** An absolute http(s) URL that is not this editor's receiver, or why not. */
export function validateHandlerUrl(value: string, receiverUrl: string | undefined): string | undefined {
  const check = checkHttpUrl(value);
  if (!check.ok) return urlProblemMessage(check.problem, DEFAULT_HANDLER_URL);
  if (receiverUrl && sameEndpoint(check.url, receiverUrl))
    return vscode.l10n.t(
      "That is this editor's own receiver. Enter your handler's URL (the probe checks your app, and its requests stay out of the inspector).",
    );
  return undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '0.0.0.0']);

function sameEndpoint(a: URL, other: string): boolean {
  let b: URL;
  try {
    b = new URL(other);
  } catch {
    return false;
  }
  const host = (u: URL) => (LOOPBACK.has(u.hostname) ? 'loopback' : u.hostname);
  const port = (u: URL) => u.port || (u.protocol === 'https:' ? '443' : '80');
  return host(a) === host(b) && port(a) === port(b);
}

interface SecretChoice {
  readonly values: string[];
  readonly label: string;
}

/** Which stored secret(s) the handler verifies with: a webhook's live ones, one added by hand, one typed in, or none. */
async function pickSecrets(deps: HandlerDeps): Promise<SecretChoice> {
  const ui = deps.ui.current;
  const candidates = await deps.secrets.candidates();
  const byWebhook = new Map<string, string[]>();
  const items: Array<vscode.QuickPickItem & { choice?: SecretChoice; action?: 'enter' | 'none' }> = [];
  for (const c of candidates) if (c.webhookId) byWebhook.set(c.webhookId, [...(byWebhook.get(c.webhookId) ?? []), c.secret]);
  for (const [id, values] of byWebhook) {
    const name = deps.webhookName(id);
    const label = name ? `"${name}"` : id;
    items.push({
      label: name ?? id,
      ...(name ? { description: id } : {}),
      detail:
        values.length === 1
          ? vscode.l10n.t('Its current signing secret')
          : vscode.l10n.t('Its current signing secret and the previous one (rotation grace window): deliveries carry one signature each'),
      choice: {
        values,
        label: values.length === 1 ? vscode.l10n.t('the secret of {0}', label) : vscode.l10n.t('the secrets of {0} (current and previous)', label),
      },
    });
  }
  for (const c of candidates.filter((x) => !x.webhookId))
    items.push({
      label: c.label,
      detail: vscode.l10n.t('A signing secret added by hand'),
      choice: { values: [c.secret], label: vscode.l10n.t('the secret "{0}"', c.label) },
    });
  items.push({ label: `$(key) ${vscode.l10n.t('Enter a signing secret…')}`, action: 'enter' });
  items.push({ label: `$(circle-slash) ${vscode.l10n.t('No secret: dynamic deliveries only')}`, action: 'none' });
  const picked = await ui.pick(items, {
    title: vscode.l10n.t('Check My Handler (2/3)'),
    placeHolder: vscode.l10n.t('The signing secret your handler verifies with (GEMINI_WEBHOOK_SECRET)'),
    matchOnDescription: true,
  });
  if (picked.choice) return picked.choice;
  if (picked.action === 'none') return { values: [], label: vscode.l10n.t('no secret (dynamic deliveries only)') };
  const secret = (
    await ui.input({
      title: vscode.l10n.t('Check My Handler (2/3)'),
      prompt: vscode.l10n.t('The whsec_ signing secret your handler verifies with (used for this run only, not stored)'),
      password: true,
      validateInput: (v) => validateSigningSecret(v),
    })
  ).trim();
  return { values: [secret], label: vscode.l10n.t('the secret entered for this run') };
}

async function pickDynamic(deps: HandlerDeps): Promise<boolean> {
  const picked = await deps.ui.current.pick(
    [
      {
        label: vscode.l10n.t('Static deliveries'),
        detail: vscode.l10n.t('Signed v1 with the secret: valid ones, every event type, retries, a rotation, tampered, unsigned and stale ones, 1 MiB'),
        dynamic: false,
      },
      {
        label: staticAndDynamicLabel(),
        detail: vscode.l10n.t(
          "Also v1a Ed25519 and JWT deliveries signed by the probe's own key set, served on this machine: your handler's GEMINI_WEBHOOK_JWKS_URI must point at it",
        ),
        dynamic: true,
      },
    ],
    { title: vscode.l10n.t('Check My Handler (3/3)'), placeHolder: vscode.l10n.t('Which deliveries to send') },
  );
  return picked.dynamic;
}

/** The first dynamic run of the session starts the key server: say where it is, since the handler must use it. */
async function announceKeyServer(deps: HandlerDeps): Promise<void> {
  const { url, started } = await deps.session.ensureKeyServer();
  if (!started) return;
  const run = vscode.l10n.t('Run Checks');
  const copy = vscode.l10n.t('Copy URL');
  const choice = await deps.ui.current.modal(
    vscode.l10n.t("The probe's key set is served at {0}", url),
    vscode.l10n.t(
      "Start your handler with GEMINI_WEBHOOK_JWKS_URI={0} (and GEMINI_WEBHOOK_AUDIENCE set to its own URL) so it verifies the probe's dynamic deliveries. The URL stays the same while this window is open.",
      url,
    ),
    [run, copy],
  );
  if (choice === copy) {
    await deps.clipboard.writeText(url);
    await deps.ui.current.info(vscode.l10n.t('Key set URL copied. Restart your handler with it, then run Check My Handler again.'));
    throw new UserCancelledError();
  }
  if (choice !== run) throw new UserCancelledError();
}
