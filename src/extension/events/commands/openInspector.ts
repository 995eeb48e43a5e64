/** Open Inspector: shows the inspector panel; from an Events view node, on that event. */
import { EventArg, EventCommandDeps } from './deps';

export function openInspector(deps: EventCommandDeps) {
  return (arg?: EventArg): void => {
    deps.inspector.show(arg && typeof arg.seq === 'number' ? arg.seq : undefined);
  };
}
