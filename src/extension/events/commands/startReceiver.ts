/** Start Receiver: starts the local receiver and shows its URL with a "Copy URL" action. */
import * as vscode from 'vscode';
import { PortInUseError } from '../../../core/receiver';
import { EventCommandDeps } from './deps';
import { COMMANDS, SETTINGS } from '../../platform/ids';

const COPY_URL = vscode.l10n.t('Copy URL');
const OPEN_SETTINGS = vscode.l10n.t('Open Settings');

export function startReceiver({ receiver: service, ui }: EventCommandDeps) {
  return async (): Promise<string | undefined> => {
    let url: string;
    try {
      url = (await service.start()).url;
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      const choice = await ui.current.error(
        vscode.l10n.t(
          'The receiver cannot listen: port {0} is already in use on {1}. Change geminiWebhooks.receiver.port (0 picks a free port).',
          error.port,
          error.host,
        ),
        OPEN_SETTINGS,
      );
      if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS.receiverPort);
      return undefined;
    }
    // The follow-up runs as the Copy Receiver URL command, so its failures are reported like any command's.
    void ui.current.info(vscode.l10n.t('Receiver listening on {0}', url), COPY_URL).then((choice) => {
      if (choice === COPY_URL) return vscode.commands.executeCommand(COMMANDS.copyReceiverUrl);
      return undefined;
    });
    return url;
  };
}
