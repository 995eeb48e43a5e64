/** Registers every receiver and event command through the one CommandRunner. */
import * as vscode from 'vscode';
import { CommandRunner } from '../../platform/commandRunner';
import { COMMANDS } from '../../platform/ids';
import { addSigningSecret } from './addSigningSecret';
import { clearEvents } from './clearEvents';
import { copyReceiverUrl } from './copyReceiverUrl';
import { EventCommandDeps } from './deps';
import { exportEvents } from './exportEvents';
import { openInspector } from './openInspector';
import { removeSigningSecret } from './removeSigningSecret';
import { simulateReceiverFailures } from './simulateReceiverFailures';
import { replayEvent } from './replayEvent';
import { startReceiver } from './startReceiver';
import { stopReceiver } from './stopReceiver';
import { stopSimulatingReceiverFailures } from './stopSimulatingReceiverFailures';
import { triggerTestEvent } from './triggerTestEvent';
import { verifyCapturedDelivery } from './verifyCapturedDelivery';

export type { EventCommandDeps } from './deps';

export function registerEventCommands(runner: CommandRunner, deps: EventCommandDeps): vscode.Disposable[] {
  return runner.registerAll(deps, [
    [COMMANDS.startReceiver, startReceiver],
    [COMMANDS.stopReceiver, stopReceiver],
    [COMMANDS.copyReceiverUrl, copyReceiverUrl],
    [COMMANDS.openInspector, openInspector],
    [COMMANDS.clearEvents, clearEvents],
    [COMMANDS.exportEvents, exportEvents],
    [COMMANDS.addSigningSecret, addSigningSecret],
    [COMMANDS.removeSigningSecret, removeSigningSecret],
    [COMMANDS.triggerTestEvent, triggerTestEvent],
    [COMMANDS.replayEvent, replayEvent],
    [COMMANDS.verifyCapturedDelivery, verifyCapturedDelivery],
    [COMMANDS.simulateReceiverFailures, simulateReceiverFailures],
    [COMMANDS.stopSimulatingReceiverFailures, stopSimulatingReceiverFailures],
  ]);
}
