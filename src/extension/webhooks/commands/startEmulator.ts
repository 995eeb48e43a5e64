/** Start Local Emulator: backend = emulator (user settings), started in the extension host. */
import { WebhookCommandDeps } from './deps';

export function startEmulator(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    const snapshot = await deps.backend.switchTo('emulator');
    await deps.tree.refresh({ resetPages: true });
    deps.log.info(`Using the local emulator at ${snapshot.emulatorUrl}.`);
  };
}
