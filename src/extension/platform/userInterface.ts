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

/**
 * Prompts that follow one another in ONE quick input, as the steps of a wizard: the widget stays open
 * from one step to the next, so the keyboard focus never goes back to the editor in between. (With a
 * quick input per step, the input box closed on Enter, VS Code gave the focus back to what had it —
 * the walkthrough's button — that Enter's keyup landed there, and the walkthrough then re-selected its
 * step and took the focus 250 ms later, away from the next prompt: the typed URI went nowhere.)
 * `close()` ends it (after the work the answers were for, so the last Enter is spent in the prompt).
 */
export interface PromptFlow {
  input(options: vscode.InputBoxOptions): Promise<string>;
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T>;
  pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[]>;
  /** Shows the open prompt as busy (the work its answers start is under way). */
  busy(): void;
  close(): void;
}

export interface UserInterface {
  /** Several prompts in one quick input (see PromptFlow); close it when done. */
  flow(): PromptFlow;
  /** One choice; throws UserCancelledError when dismissed. */
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T>;
  /** Several choices (QuickPick multi-select); throws UserCancelledError when dismissed. */
  pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[]>;
  /** Text input; throws UserCancelledError when dismissed. */
  input(options: vscode.InputBoxOptions): Promise<string>;
  /**
   * A modal that names the action; resolves when the user chose `verb`, throws UserCancelledError otherwise.
   * `dismiss` replaces VS Code's Cancel where "Cancel" would read as the action (Cancel Job: "Keep Running").
   */
  confirm(message: string, detail: string, verb: string, dismiss?: string): Promise<void>;
  /** A save dialog; resolves to the chosen file, throws UserCancelledError when dismissed. */
  saveFile(options: vscode.SaveDialogOptions): Promise<vscode.Uri>;
  /** An open dialog for one file; resolves to it, throws UserCancelledError when dismissed. */
  openFile(options: vscode.OpenDialogOptions): Promise<vscode.Uri>;
  /**
   * A modal with buttons; resolves to the chosen one, undefined when dismissed. With `close`, that
   * button replaces VS Code's Cancel (for what has happened already: there is nothing to cancel).
   */
  modal(message: string, detail: string, buttons: readonly string[], close?: string): Promise<string | undefined>;
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
}

export class VsCodeUi implements UserInterface {
  flow(): PromptFlow {
    return new QuickInputFlow();
  }

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

  async confirm(message: string, detail: string, verb: string, dismiss?: string): Promise<void> {
    const items: vscode.MessageItem[] = [{ title: verb }, ...(dismiss ? [{ title: dismiss, isCloseAffordance: true }] : [])];
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...items);
    if (choice?.title !== verb) throw new UserCancelledError();
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

  async modal(message: string, detail: string, buttons: readonly string[], close?: string): Promise<string | undefined> {
    const items: vscode.MessageItem[] = buttons.map((title) => ({ title }));
    if (close) items.push({ title: close, isCloseAffordance: true });
    const choice = await vscode.window.showInformationMessage(message, { modal: true, detail }, ...items);
    return choice?.title;
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

/**
 * A PromptFlow on `createInputBox` / `createQuickPick`: each step is shown before the previous one is
 * disposed, so the quick input is replaced in place and never hides in between.
 */
class QuickInputFlow implements PromptFlow {
  private current: vscode.QuickInput | undefined;
  private closed = false;

  input(options: vscode.InputBoxOptions): Promise<string> {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt;
    box.placeholder = options.placeHolder;
    box.value = options.value ?? '';
    if (options.valueSelection) box.valueSelection = options.valueSelection;
    box.password = options.password ?? false;
    box.ignoreFocusOut = true;
    return this.run(box, (resolve, subscriptions) => {
      const validate = async (value: string): Promise<string | undefined> => {
        const result = await options.validateInput?.(value);
        return typeof result === 'string' ? result || undefined : (result?.message ?? undefined);
      };
      let checked = 0;
      subscriptions.push(
        box.onDidChangeValue(async (value) => {
          const turn = ++checked;
          const message = await validate(value);
          if (turn === checked) box.validationMessage = message;
        }),
        box.onDidAccept(async () => {
          const value = box.value;
          const message = await validate(value);
          box.validationMessage = message;
          if (message !== undefined) return;
          // Stays on screen, focused, until the next step replaces it or the flow closes (a disabled
          // input would drop the focus, and it would go back to the editor: just what this avoids).
          box.busy = true;
          resolve(value);
        }),
      );
    });
  }

  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T> {
    return this.quickPick(items, options, false).then((picked) => picked[0]);
  }

  pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[]> {
    return this.quickPick(items, options, true);
  }

  busy(): void {
    // Busy, not disabled: disabling it would drop the focus (see above).
    if (this.current) this.current.busy = true;
  }

  close(): void {
    this.closed = true;
    const current = this.current;
    this.current = undefined;
    current?.dispose();
  }

  private quickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions, many: boolean): Promise<T[]> {
    const pick = vscode.window.createQuickPick<T>();
    pick.title = options.title;
    pick.placeholder = options.placeHolder;
    pick.canSelectMany = many;
    pick.matchOnDescription = options.matchOnDescription ?? false;
    pick.matchOnDetail = options.matchOnDetail ?? false;
    pick.ignoreFocusOut = true;
    pick.items = items;
    if (many) pick.selectedItems = items.filter((i) => i.picked);
    return this.run(pick, (resolve, subscriptions) => {
      subscriptions.push(
        pick.onDidAccept(() => {
          const chosen = many ? [...pick.selectedItems] : pick.activeItems.slice(0, 1);
          if (!many && chosen.length === 0) return;
          pick.busy = true;
          resolve(chosen);
        }),
      );
    });
  }

  /** Shows `input` in place of the current step; settles when it is answered, or rejects when dismissed. */
  private run<Q extends vscode.QuickInput, R>(input: Q, wire: (resolve: (value: R) => void, subscriptions: vscode.Disposable[]) => void): Promise<R> {
    if (this.closed) {
      input.dispose();
      return Promise.reject(new UserCancelledError());
    }
    return new Promise<R>((resolve, reject) => {
      const subscriptions: vscode.Disposable[] = [];
      let settled = false;
      wire((value) => {
        settled = true;
        subscriptions.forEach((d) => d.dispose());
        resolve(value);
      }, subscriptions);
      subscriptions.push(
        input.onDidHide(() => {
          subscriptions.forEach((d) => d.dispose());
          if (this.current === input) this.current = undefined;
          input.dispose();
          if (!settled) reject(new UserCancelledError());
        }),
      );
      const previous = this.current;
      this.current = input;
      input.show();
      // Replaced in place: the previous step leaves without the quick input ever closing.
      previous?.dispose();
    });
  }
}
