/** Replay Event: sends a stored delivery to the app at geminiWebhooks.receiver.forwardTo again. */
import * as vscode from 'vscode';
import type { ForwardResult } from '../../../core/receiver/types';
import { EventArg, EventCommandDeps, resolveEvent } from './deps';
import { SETTINGS } from '../../platform/ids';

const OPEN_SETTINGS = vscode.l10n.t('Open Settings');

export function replayEvent(deps: EventCommandDeps) {
  return async (arg?: EventArg): Promise<ForwardResult | undefined> => {
    const seq = await resolveEvent(deps, arg, vscode.l10n.t('Pick the event to replay'));
    const receiver = deps.feed.receiver;
    if (!receiver.forwardTo) {
      const choice = await deps.ui.current.warn(vscode.l10n.t("Replaying needs your app's URL: set geminiWebhooks.receiver.forwardTo."), OPEN_SETTINGS);
      if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS.receiverForwardTo);
      return undefined;
    }
    const result = await receiver.replay(seq);
    const outcome = result.ok ? `your app answered ${result.status}` : result.error ? `failed: ${result.error}` : `your app answered ${result.status}`;
    deps.log.info(`Replayed #${seq} to ${result.target}${result.resigned ? ' (re-signed)' : ''}: ${outcome} in ${result.durationMs} ms.`);
    if (result.ok) void deps.ui.current.info(vscode.l10n.t('Replayed #{0}: your app answered {1}.', seq, String(result.status)));
    else
      void deps.ui.current.warn(
        result.error
          ? vscode.l10n.t('Replayed #{0}: failed: {1}.', seq, result.error)
          : vscode.l10n.t('Replayed #{0}: your app answered {1}.', seq, String(result.status)),
      );
    return result;
  };
}
