/**
 * Replay Event: sends a stored delivery to the app at geminiWebhooks.receiver.forwardTo again. Only
 * what can be replayed is offered; a delivery that cannot (rejected, truncated) is refused with a
 * warning that says why and what to do — an expected refusal, not an error.
 */
import * as vscode from 'vscode';
import type { ForwardResult, ReceivedDelivery } from '../../../core/receiver/types';
import { replayBlocked } from '../inspector/summary';
import { EventArg, EventCommandDeps, resolveEvent } from './deps';
import { COMMANDS, SETTINGS } from '../../platform/ids';

const OPEN_SETTINGS = vscode.l10n.t('Open Settings');
const TRIGGER = vscode.l10n.t('Trigger Test Event');

export function replayEvent(deps: EventCommandDeps) {
  return async (arg?: EventArg): Promise<ForwardResult | undefined> => {
    const replayable = (r: ReceivedDelivery) => replayBlocked(r) === undefined;
    if (!arg && deps.feed.count > 0 && !deps.feed.newest(200).some(replayable)) {
      const choice = await deps.ui.current.warn(
        vscode.l10n.t('None of the latest events can be replayed: only verified deliveries are. Send a signed one with Trigger Test Event.'),
        TRIGGER,
      );
      if (choice === TRIGGER) await vscode.commands.executeCommand(COMMANDS.triggerTestEvent);
      return undefined;
    }
    const seq = await resolveEvent(deps, arg, vscode.l10n.t('Pick the event to replay'), replayable);
    const receiver = deps.feed.receiver;
    const record = deps.feed.get(seq);
    if (!record) {
      void deps.ui.current.warn(vscode.l10n.t('Event #{0} is no longer in the history.', seq));
      return undefined;
    }
    if (record.verdict === 'rejected') {
      deps.log.info(`Not replaying #${seq}: it was rejected (${record.reason ?? 'not verified'}).`);
      const choice = await deps.ui.current.warn(
        vscode.l10n.t(
          'Event #{0} was rejected ({1}): only verified deliveries are replayed to your app. Send a signed one with Trigger Test Event.',
          seq,
          record.reason ?? vscode.l10n.t('not verified'),
        ),
        TRIGGER,
      );
      if (choice === TRIGGER) await vscode.commands.executeCommand(COMMANDS.triggerTestEvent);
      return undefined;
    }
    if (record.bodyTruncated) {
      deps.log.info(`Not replaying #${seq}: its stored body was truncated.`);
      void deps.ui.current.warn(vscode.l10n.t('Event #{0} cannot be replayed: its stored body was truncated, so it cannot be sent as it came.', seq));
      return undefined;
    }
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
