/** Add Signing Secret: stores a secret for a webhook made elsewhere, so the receiver can verify its deliveries. */
import { EventCommandDeps } from './deps';
import { validateSigningSecret } from '../../../core/verify/secretFormat';
import { validateSecretLabel } from './signingSecretFormat';


export function addSigningSecret(deps: EventCommandDeps) {
  return async (): Promise<string> => {
    const label = (await deps.ui.current.input({ title: 'Add Signing Secret (1/2)', prompt: 'A label for the secret (shown when it verifies a delivery)', placeHolder: 'e.g. staging webhook', validateInput: validateSecretLabel })).trim();
    const secret = (await deps.ui.current.input({ title: 'Add Signing Secret (2/2)', prompt: `The signing secret for "${label}"`, placeHolder: 'whsec_…', password: true, validateInput: validateSigningSecret })).trim();
    await deps.secrets.addManualSecret(label, secret);
    deps.log.info(`Added a signing secret labelled "${label}".`);
    void deps.ui.current.info(`Signing secret "${label}" added: deliveries signed with it now verify.`);
    return label;
  };
}
