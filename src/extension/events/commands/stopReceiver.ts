/** Stop Receiver: stops the local receiver (the history stays). */
import * as vscode from 'vscode';
import { EventCommandDeps } from './deps';

export function stopReceiver({ receiver: service, ui }: EventCommandDeps) {
  return async (): Promise<void> => {
    if (!service.running) {
      void ui.current.info(vscode.l10n.t('The receiver is not running.'));
      return;
    }
    await service.stop();
    void ui.current.info(vscode.l10n.t('Receiver stopped.'));
  };
}
