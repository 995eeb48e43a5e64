/** Remove Signing Secret: pick secrets added by hand (by label, never the secret), confirm, remove. */
import * as vscode from 'vscode';
import { EventCommandDeps } from './deps';

export function removeSigningSecret(deps: EventCommandDeps) {
  return async (): Promise<string[]> => {
    const ui = deps.ui.current;
    const manual = await deps.secrets.getManualSecrets();
    if (manual.length === 0) {
      await ui.info(vscode.l10n.t('There are no signing secrets added by hand. (Secrets of webhooks created here go away with the webhook.)'));
      return [];
    }
    const items = manual.map((m) => ({ label: m.label, description: vscode.l10n.t('added {0}', m.storedAt.slice(0, 10)) }));
    const picked = await ui.pickMany(items, {
      title: vscode.l10n.t('Remove Signing Secret'),
      placeHolder: vscode.l10n.t('Signing secrets added by hand to remove'),
    });
    if (picked.length === 0) return [];
    const n = picked.length;
    const names = picked.map((p) => `"${p.label}"`).join(', ');
    await ui.confirm(
      n === 1 ? vscode.l10n.t('Remove 1 signing secret?') : vscode.l10n.t('Remove {0} signing secrets?', n),
      n === 1
        ? vscode.l10n.t('Deliveries signed only with it stop verifying in the local receiver: {0}.', names)
        : vscode.l10n.t('Deliveries signed only with them stop verifying in the local receiver: {0}.', names),
      vscode.l10n.t('Remove'),
    );
    for (const p of picked) await deps.secrets.removeManualSecret(p.label);
    deps.log.info(`Removed ${n} signing secret${n === 1 ? '' : 's'} added by hand: ${names}.`);
    void ui.info(n === 1 ? vscode.l10n.t('Removed 1 signing secret.') : vscode.l10n.t('Removed {0} signing secrets.', n));
    return picked.map((p) => p.label);
  };
}
