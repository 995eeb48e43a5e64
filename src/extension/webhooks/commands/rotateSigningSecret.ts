/**
 * Rotate Signing Secret: revoke the previous secret after 24 hours (default) or at once (with a
 * warning). The new secret is shown once in a modal with "Copy" (users deploy it to their app) and
 * stored when the secret storage allows it; with the grace period the previous one stays stored
 * with its expiry, so the receiver still verifies deliveries signed with it until then.
 */
import * as vscode from 'vscode';
import { RevocationBehavior } from '../../../core/api';
import { formatWhen } from '../../../core/util/when';
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';
import { onExistingWebhook } from './webhookAction';
import { showSecretOnce, tryStoreSecret } from './showNewSecret';
import { webhookLabel } from '../tree/webhookPresentation';

const GRACE_MS = 24 * 60 * 60 * 1000;

export function rotateSigningSecret(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const ui = deps.ui.current;
    const webhook = await resolveWebhook(deps, node, vscode.l10n.t('Pick the webhook to rotate the signing secret of'));
    const label = webhookLabel(webhook);
    const options: Array<{ label: string; description: string; detail: string; behavior: RevocationBehavior }> = [
      {
        label: vscode.l10n.t('Revoke previous after 24 hours'),
        description: vscode.l10n.t('recommended'),
        detail: vscode.l10n.t('Deliveries keep verifying with either secret while you update your receiver.'),
        behavior: 'revoke_previous_secrets_after_h24',
      },
      {
        label: vscode.l10n.t('Revoke immediately'),
        description: '',
        detail: `$(warning) ${vscode.l10n.t('Receivers still using the old secret start rejecting deliveries at once.')}`,
        behavior: 'revoke_previous_secrets_immediately',
      },
    ];
    const choice = await ui.pick(options, {
      title: vscode.l10n.t('Rotate the signing secret of {0}', label),
      placeHolder: vscode.l10n.t('When should the previous secret stop working?'),
    });
    if (choice.behavior === 'revoke_previous_secrets_immediately') {
      await ui.confirm(
        vscode.l10n.t('Revoke the current secret of "{0}" immediately?', label),
        vscode.l10n.t('Receivers that still verify with it reject every delivery from now on.'),
        vscode.l10n.t('Revoke Immediately'),
      );
    }
    const secret = await onExistingWebhook(
      deps,
      webhook,
      (name) => vscode.l10n.t('Rotating the secret of {0}…', name),
      (client, id, signal) => client.rotateSigningSecret(id, choice.behavior, { signal }),
    );
    const previousExpiry = choice.behavior === 'revoke_previous_secrets_after_h24' ? await reportedExpiry(deps, webhook.id) : undefined;
    const stored = await tryStoreSecret(deps, webhook.id, secret, previousExpiry);
    deps.log.info(
      `Rotated the signing secret of ${webhook.id}${previousExpiry ? `; the previous one verifies until ${previousExpiry}` : '; the previous one is revoked'}.`,
    );
    await deps.tree.refresh();
    deps.details.refreshAll();
    // "in 24 h — Dec 2, 09:01": local time with how far off it is, not an ISO string.
    const previous = previousExpiry
      ? vscode.l10n.t('The previous one keeps working until {0}.', formatWhen(previousExpiry))
      : vscode.l10n.t('The previous one no longer works.');
    await showSecretOnce(
      deps,
      vscode.l10n.t('New signing secret for "{0}"', label),
      vscode.l10n.t('Deploy it to your app: it is shown only this once. {0}', previous),
      secret,
      stored,
    );
    await ui.info(
      stored
        ? vscode.l10n.t('New signing secret for "{0}" stored. {1}', label, previous)
        : vscode.l10n.t('New signing secret for "{0}" not stored locally. {1}', label, previous),
    );
    await deps.onNewSecret?.({ webhookId: webhook.id, label, secret, reason: 'rotated' });
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
