/** Stop Simulating Receiver Failures (also the failure status bar item's click): deliveries are answered as usual again. */
import * as vscode from 'vscode';
import { EventCommandDeps } from './deps';

export function stopSimulatingReceiverFailures({ rehearsal, ui }: EventCommandDeps) {
  return async (): Promise<boolean> => {
    if (!rehearsal.stop()) {
      void ui.current.info(vscode.l10n.t('No receiver failures are being simulated.'));
      return false;
    }
    void ui.current.info(vscode.l10n.t('Stopped simulating receiver failures: deliveries are answered as usual.'));
    return true;
  };
}
