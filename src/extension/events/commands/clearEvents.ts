/** Clear Events: empties the delivery history (and its file), after a modal naming the verb. */
import * as vscode from 'vscode';
import { EventCommandDeps } from './deps';

export function clearEvents(deps: EventCommandDeps) {
  return async (): Promise<void> => {
    const count = deps.feed.count;
    if (count === 0) {
      await deps.ui.current.info(vscode.l10n.t('There are no events to clear.'));
      return;
    }
    await deps.ui.current.confirm(
      count === 1 ? vscode.l10n.t('Clear 1 event?') : vscode.l10n.t('Clear {0} events?', count),
      vscode.l10n.t('The delivery history is emptied in the inspector, the Events view and on disk. This cannot be undone.'),
      vscode.l10n.t('Clear'),
    );
    await deps.feed.clear();
    deps.log.info(`Cleared ${count} events from the history.`);
  };
}
