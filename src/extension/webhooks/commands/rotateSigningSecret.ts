/**
 * Rotate Signing Secret: revoke the previous secret after 24 hours (default) or at once (with a
 * warning). The new secret is shown once in a modal with "Copy" (users deploy it to their app) and
 * stored when the secret storage allows it; with the grace period the previous one stays stored
 * with its expiry, so the receiver still verifies deliveries signed with it until then.
 */
import { RevocationBehavior } from '../../../core/api';
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';
import { onExistingWebhook } from './webhookAction';
import { showSecretOnce, tryStoreSecret } from './showNewSecret';
import { webhookLabel } from '../tree/webhookPresentation';

const GRACE_MS = 24 * 60 * 60 * 1000;

export function rotateSigningSecret(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const ui = deps.ui.current;
    const webhook = await resolveWebhook(deps, node, 'rotate the signing secret of');
    const label = webhookLabel(webhook);
    const options: Array<{ label: string; description: string; detail: string; behavior: RevocationBehavior }> = [
      { label: 'Revoke previous after 24 hours', description: 'recommended', detail: 'Deliveries keep verifying with either secret while you update your receiver.', behavior: 'revoke_previous_secrets_after_h24' },
      { label: 'Revoke immediately', description: '', detail: '$(warning) Receivers still using the old secret start rejecting deliveries at once.', behavior: 'revoke_previous_secrets_immediately' },
    ];
    const choice = await ui.pick(options, { title: `Rotate the signing secret of ${label}`, placeHolder: 'When should the previous secret stop working?' });
    if (choice.behavior === 'revoke_previous_secrets_immediately') {
      await ui.confirm(`Revoke the current secret of "${label}" immediately?`, 'Receivers that still verify with it reject every delivery from now on.', 'Revoke Immediately');
    }
    const secret = await onExistingWebhook(deps, webhook, (name) => `Rotating the secret of ${name}…`, (client, id, signal) => client.rotateSigningSecret(id, choice.behavior, { signal }));
    const previousExpiry = choice.behavior === 'revoke_previous_secrets_after_h24' ? await reportedExpiry(deps, webhook.id) : undefined;
    const stored = await tryStoreSecret(deps, webhook.id, secret, previousExpiry);
    deps.log.info(`Rotated the signing secret of ${webhook.id}${previousExpiry ? `; the previous one verifies until ${previousExpiry}` : '; the previous one is revoked'}.`);
    await deps.tree.refresh();
    deps.details.refreshAll();
    const previous = previousExpiry ? `The previous one keeps working until ${previousExpiry}.` : 'The previous one no longer works.';
    await showSecretOnce(deps, `New signing secret for "${label}"`, `Deploy it to your app: it is shown only this once. ${previous}`, secret, stored);
    await ui.info(`New signing secret for "${label}"${stored ? ' stored' : ' not stored locally'}. ${previous}`);
  };
}

/** When the previous secret stops working: as the API reports it, else now + 24 h. */
async function reportedExpiry(deps: WebhookCommandDeps, webhookId: string): Promise<string> {
  const fallback = new Date(Date.now() + GRACE_MS).toISOString();
  try {
    const client = await deps.backend.client();
    const fresh = await client.get(webhookId);
    const expiries = (fresh.signing_secrets ?? []).map((s) => s.expire_time).filter((t): t is string => !!t && !Number.isNaN(Date.parse(t)));
    if (expiries.length === 0) return fallback;
    return new Date(Math.max(...expiries.map((t) => Date.parse(t)))).toISOString();
  } catch {
    return fallback;
  }
}
