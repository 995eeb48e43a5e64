/** Start Receiver: starts the local receiver and shows its URL with a "Copy URL" action. */
import * as vscode from 'vscode';
import { PortInUseError } from '../../../core/receiver';
import { EventCommandDeps } from './deps';
import { COMMANDS, SETTINGS } from '../../platform/ids';

const COPY_URL = 'Copy URL';
const OPEN_SETTINGS = 'Open Settings';

export function startReceiver({ receiver: service, ui }: EventCommandDeps) {
  return async (): Promise<string | undefined> => {
    let url: string;
    try {
      url = (await service.start()).url;
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      const choice = await ui.current.error(
        `The receiver cannot listen: port ${error.port} is already in use on ${error.host}. Change geminiWebhooks.receiver.port (0 picks a free port).`,
        OPEN_SETTINGS,
      );
      if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS.receiverPort);
      return undefined;
    }
    // The follow-up runs as the Copy Receiver URL command, so its failures are reported like any command's.
    void ui.current.info(`Receiver listening on ${url}`, COPY_URL).then((choice) => {
      if (choice === COPY_URL) return vscode.commands.executeCommand(COMMANDS.copyReceiverUrl);
      return undefined;
    });
    return url;
  };
}
