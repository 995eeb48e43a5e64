/** Remove Signing Secret: pick secrets added by hand (by label, never the secret), confirm, remove. */
import { EventCommandDeps } from './deps';


export function removeSigningSecret(deps: EventCommandDeps) {
  return async (): Promise<string[]> => {
    const ui = deps.ui.current;
    const manual = await deps.secrets.getManualSecrets();
    if (manual.length === 0) {
      await ui.info('There are no signing secrets added by hand. (Secrets of webhooks created here go away with the webhook.)');
      return [];
    }
    const items = manual.map((m) => ({ label: m.label, description: `added ${m.storedAt.slice(0, 10)}` }));
    const picked = await ui.pickMany(items, { title: 'Remove Signing Secret', placeHolder: 'Signing secrets added by hand to remove' });
    if (picked.length === 0) return [];
    const n = picked.length;
    const names = picked.map((p) => `"${p.label}"`).join(', ');
    await ui.confirm(`Remove ${n} signing secret${n === 1 ? '' : 's'}?`, `Deliveries signed only with ${n === 1 ? 'it' : 'them'} stop verifying in the local receiver: ${names}.`, 'Remove');
    for (const p of picked) await deps.secrets.removeManualSecret(p.label);
    deps.log.info(`Removed ${n} signing secret${n === 1 ? '' : 's'} added by hand: ${names}.`);
    void ui.info(`Removed ${n} signing secret${n === 1 ? '' : 's'}.`);
    return picked.map((p) => p.label);
  };
}
