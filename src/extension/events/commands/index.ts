/** Registers every event command through the one CommandRunner. */
import * as vscode from 'vscode';
import { CommandRunner } from '../../platform/commandRunner';
import { ADD_SIGNING_SECRET, addSigningSecret } from './addSigningSecret';
import { CLEAR_EVENTS, clearEvents } from './clearEvents';
import { EventCommandDeps } from './deps';
import { EXPORT_EVENTS, exportEvents } from './exportEvents';
import { OPEN_INSPECTOR, openInspector } from './openInspector';
import { REMOVE_SIGNING_SECRET, removeSigningSecret } from './removeSigningSecret';
import { REPLAY_EVENT, replayEvent } from './replayEvent';
import { TRIGGER_TEST_EVENT, triggerTestEvent } from './triggerTestEvent';

export type { EventCommandDeps } from './deps';

export function registerEventCommands(runner: CommandRunner, deps: EventCommandDeps): vscode.Disposable[] {
  const commands: Array<[string, (deps: EventCommandDeps) => (...args: never[]) => unknown]> = [
    [OPEN_INSPECTOR, openInspector],
    [CLEAR_EVENTS, clearEvents],
    [EXPORT_EVENTS, exportEvents],
    [ADD_SIGNING_SECRET, addSigningSecret],
    [REMOVE_SIGNING_SECRET, removeSigningSecret],
    [TRIGGER_TEST_EVENT, triggerTestEvent],
    [REPLAY_EVENT, replayEvent],
  ];
  return commands.map(([id, make]) => runner.register(id, make(deps)));
}
