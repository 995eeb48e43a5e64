/** Stop Receiver: stops the local receiver (the history stays). */
import * as vscode from 'vscode';
import { UiHolder } from '../../platform/commandRunner';
import { ReceiverService } from '../receiver/receiverService';

export const STOP_RECEIVER = 'geminiWebhooks.stopReceiver';

export function stopReceiverCommand(service: ReceiverService, ui: UiHolder) {
  return async (): Promise<void> => {
    if (!service.running) {
      void ui.current.info(vscode.l10n.t('The receiver is not running.'));
      return;
    }
    await service.stop();
    void ui.current.info(vscode.l10n.t('Receiver stopped.'));
  };
}
