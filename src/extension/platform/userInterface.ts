/**
 * Every prompt a command shows goes through this interface, so tests can answer prompts
 * (ScriptedUi) while the real editor uses VS Code's own (VsCodeUi).
 * A dismissed prompt throws UserCancelledError, which the command wrapper keeps silent.
 */
import * as vscode from 'vscode';

/** What commands need of the clipboard (tests pass their own). */
export type Clipboard = Pick<vscode.Clipboard, 'writeText' | 'readText'>;

export class UserCancelledError extends Error {
  constructor() {
    super('Cancelled by the user');
    this.name = 'UserCancelledError';
  }
}

export interface UserInterface {
  /** One choice; throws UserCancelledError when dismissed. */
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T>;
  /** Several choices (QuickPick multi-select); throws UserCancelledError when dismissed. */
  pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[]>;
  /** Text input; throws UserCancelledError when dismissed. */
  input(options: vscode.InputBoxOptions): Promise<string>;
  /** A modal that names the action; resolves when the user chose `verb`, throws UserCancelledError otherwise. */
  confirm(message: string, detail: string, verb: string): Promise<void>;
  /** A save dialog; resolves to the chosen file, throws UserCancelledError when dismissed. */
  saveFile(options: vscode.SaveDialogOptions): Promise<vscode.Uri>;
  /** An open dialog for one file; resolves to it, throws UserCancelledError when dismissed. */
  openFile(options: vscode.OpenDialogOptions): Promise<vscode.Uri>;
  /** A modal with buttons; resolves to the chosen one, undefined when dismissed. */
  modal(message: string, detail: string, ...buttons: string[]): Promise<string | undefined>;
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
}

export class VsCodeUi implements UserInterface {
  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T> {
    const picked = await vscode.window.showQuickPick(items, { ...options, canPickMany: false, ignoreFocusOut: true });
    if (!picked) throw new UserCancelledError();
    return picked;
  }

  async pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[]> {
    const picked = await vscode.window.showQuickPick(items, { ...options, canPickMany: true, ignoreFocusOut: true });
    if (!picked) throw new UserCancelledError();
    return picked;
  }

  async input(options: vscode.InputBoxOptions): Promise<string> {
    const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
    if (value === undefined) throw new UserCancelledError();
    return value;
  }

  async confirm(message: string, detail: string, verb: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, verb);
    if (choice !== verb) throw new UserCancelledError();
  }

  async saveFile(options: vscode.SaveDialogOptions): Promise<vscode.Uri> {
    const uri = await vscode.window.showSaveDialog(options);
    if (!uri) throw new UserCancelledError();
    return uri;
  }

  async openFile(options: vscode.OpenDialogOptions): Promise<vscode.Uri> {
    const uris = await vscode.window.showOpenDialog({ ...options, canSelectMany: false, canSelectFiles: true, canSelectFolders: false });
    if (!uris || uris.length === 0) throw new UserCancelledError();
    return uris[0];
  }

  async modal(message: string, detail: string, ...buttons: string[]): Promise<string | undefined> {
    return vscode.window.showInformationMessage(message, { modal: true, detail }, ...buttons);
  }

  async info(message: string, ...actions: string[]): Promise<string | undefined> {
    return notify(vscode.window.showInformationMessage, message, actions);
  }

  async warn(message: string, ...actions: string[]): Promise<string | undefined> {
    return notify(vscode.window.showWarningMessage, message, actions);
  }

  async error(message: string, ...actions: string[]): Promise<string | undefined> {
    return notify(vscode.window.showErrorMessage, message, actions);
  }
}

/**
 * A notification's promise settles only when the notification is closed. With no action to choose there
 * is nothing to wait for: return at once, so a command (and the next message it shows) never hangs on it.
 */
function notify(
  show: (message: string, ...items: string[]) => Thenable<string | undefined>,
  message: string,
  actions: readonly string[],
): Promise<string | undefined> {
  if (actions.length === 0) {
    void show(message);
    return Promise.resolve(undefined);
  }
  return Promise.resolve(show(message, ...actions));
}
