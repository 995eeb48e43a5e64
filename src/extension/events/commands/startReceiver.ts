/**
 * Start Receiver: starts the local receiver and shows its URL with a "Copy URL" action. When the port
 * is taken — most often by another window's receiver — it says so and offers a free port for this
 * window only ("Use port N", "Use any free port"): changing the setting would move the other
 * window's receiver too, and cost it the deliveries on the way.
 */
import * as vscode from 'vscode';
import { freePortNear } from '../../../core/receiver/freePort';
import { EventCommandDeps } from './deps';
import { COMMANDS, SETTINGS } from '../../platform/ids';

const COPY_URL = vscode.l10n.t('Copy URL');
const OPEN_SETTINGS = vscode.l10n.t('Open Settings');
const ANY_PORT = vscode.l10n.t('Use Any Free Port');

export function startReceiver({ receiver: service, ui }: EventCommandDeps) {
  return async (): Promise<string | undefined> => {
    let url: string;
    try {
      url = (await service.start()).url;
    } catch (error) {
      // The class of the receiver's own bundle (dist/receiver.js), which start() has loaded and which threw it.
      const { PortInUseError } = await import('../../../core/receiver/index.js');
      if (!(error instanceof PortInUseError)) throw error;
      const near = await freePortNear(error.host, error.port);
      const usePort = near !== undefined ? vscode.l10n.t('Use Port {0}', near) : undefined;
      const choice = await ui.current.error(
        vscode.l10n.t(
          'The receiver cannot listen: port {0} is already in use on {1} (by another window, or another program). Run it on another port in this window, or change geminiWebhooks.receiver.port (0 picks a free port).',
          error.port,
          error.host,
        ),
        ...(usePort ? [usePort] : []),
        ANY_PORT,
        OPEN_SETTINGS,
      );
      const port = choice === ANY_PORT ? 0 : choice !== undefined && choice === usePort ? near : undefined;
      if (port === undefined) {
        if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS.receiverPort);
        return undefined;
      }
      url = (await service.start({ port })).url;
    }
    const windowPort = service.windowPort;
    const shown =
      windowPort === undefined
        ? vscode.l10n.t('Receiver listening on {0}', url)
        : vscode.l10n.t('Receiver listening on {0} (in this window only: the port setting is unchanged). Point your webhook or tunnel at this URL.', url);
    // The follow-up runs as the Copy Receiver URL command, so its failures are reported like any command's.
    void ui.current.info(shown, COPY_URL).then((choice) => {
      if (choice === COPY_URL) return vscode.commands.executeCommand(COMMANDS.copyReceiverUrl);
      return undefined;
    });
    return url;
  };
}
