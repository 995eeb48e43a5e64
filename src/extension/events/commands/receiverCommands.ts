/** Registers the receiver commands through the one command wrapper. */
import * as vscode from 'vscode';
import { CommandRunner, UiHolder } from '../../platform/commandRunner';
import { copyReceiverUrl } from './copyReceiverUrl';
import { ReceiverService } from '../receiver/receiverService';
import { startReceiverCommand } from './startReceiver';
import { stopReceiverCommand } from './stopReceiver';
import { COMMANDS } from '../../platform/ids';

export function registerReceiverCommands(commands: CommandRunner, service: ReceiverService, ui: UiHolder, clipboard: vscode.Clipboard): vscode.Disposable[] {
  return [
    commands.register(COMMANDS.startReceiver, startReceiverCommand(service, ui)),
    commands.register(COMMANDS.stopReceiver, stopReceiverCommand(service, ui)),
    commands.register(COMMANDS.copyReceiverUrl, copyReceiverUrl(service, ui, clipboard)),
  ];
}
