/** Clear Events: empties the delivery history (and its file), after a modal naming the verb. */
import { EventCommandDeps } from './deps';


export function clearEvents(deps: EventCommandDeps) {
  return async (): Promise<void> => {
    const count = deps.feed.count;
    if (count === 0) {
      await deps.ui.current.info('There are no events to clear.');
      return;
    }
    await deps.ui.current.confirm(`Clear ${count} event${count === 1 ? '' : 's'}?`, 'The delivery history is emptied in the inspector, the Events view and on disk. This cannot be undone.', 'Clear');
    await deps.feed.clear();
    deps.log.info(`Cleared ${count} events from the history.`);
  };
}
