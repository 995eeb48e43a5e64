/** Registers every event command through the one CommandRunner. */
import * as vscode from 'vscode';
import { CommandRunner } from '../../platform/commandRunner';
import { addSigningSecret } from './addSigningSecret';
import { clearEvents } from './clearEvents';
import { EventCommandDeps } from './deps';
import { exportEvents } from './exportEvents';
import { openInspector } from './openInspector';
import { removeSigningSecret } from './removeSigningSecret';
import { replayEvent } from './replayEvent';
import { triggerTestEvent } from './triggerTestEvent';
import { COMMANDS } from '../../platform/ids';

export type { EventCommandDeps } from './deps';

export function registerEventCommands(runner: CommandRunner, deps: EventCommandDeps): vscode.Disposable[] {
  const commands: Array<[string, (deps: EventCommandDeps) => (...args: never[]) => unknown]> = [
    [COMMANDS.openInspector, openInspector],
    [COMMANDS.clearEvents, clearEvents],
    [COMMANDS.exportEvents, exportEvents],
    [COMMANDS.addSigningSecret, addSigningSecret],
    [COMMANDS.removeSigningSecret, removeSigningSecret],
    [COMMANDS.triggerTestEvent, triggerTestEvent],
    [COMMANDS.replayEvent, replayEvent],
  ];
  return commands.map(([id, make]) => runner.register(id, make(deps)));
}
