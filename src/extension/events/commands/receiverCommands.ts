/** Registers the receiver commands through the one command wrapper. */
import * as vscode from 'vscode';
import { CommandRunner, UiHolder } from '../../platform/commandRunner';
import { COPY_RECEIVER_URL, copyReceiverUrl } from './copyReceiverUrl';
import { ReceiverService } from '../receiver/receiverService';
import { START_RECEIVER, startReceiverCommand } from './startReceiver';
import { STOP_RECEIVER, stopReceiverCommand } from './stopReceiver';

export function registerReceiverCommands(commands: CommandRunner, service: ReceiverService, ui: UiHolder, clipboard: vscode.Clipboard): vscode.Disposable[] {
  return [
    commands.register(START_RECEIVER, startReceiverCommand(service, ui)),
    commands.register(STOP_RECEIVER, stopReceiverCommand(service, ui)),
    commands.register(COPY_RECEIVER_URL, copyReceiverUrl(service, ui, clipboard)),
  ];
}
