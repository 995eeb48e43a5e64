/**
 * The one wrapper every command runs through:
 * - a cancelled prompt stays silent;
 * - anything else is logged in full (redacted) to the LogOutputChannel, and the user sees a short
 *   message with the next step (from the error describers) and a "Show Log" button.
 * Command errors never escape to the extension host.
 */
import * as vscode from 'vscode';
import { redact } from '../../core/util/redact';
import { CommandId } from './ids';
import { UserCancelledError, UserInterface } from './userInterface';

export interface ErrorAction {
  readonly title: string;
  run(): unknown;
}

export interface UserFacingError {
  /** Short, plain, secret-free. */
  readonly message: string;
  readonly actions?: readonly ErrorAction[];
  /** Cancellation and the like: log at debug level only, show nothing. */
  readonly silent?: boolean;
}

/**
 * Maps an error it recognises to what the user should see; returns undefined for others.
 * `retry` re-runs the failed command with the arguments it was invoked with (e.g. the same tree node).
 */
export type ErrorDescriber = (error: unknown, commandId: string, retry?: () => unknown) => UserFacingError | undefined;

/** Holds the UI the commands prompt through; tests swap in a ScriptedUi. */
export class UiHolder {
  constructor(public current: UserInterface) {}
}

const SHOW_LOG = vscode.l10n.t('Show Log');

/** Builds a command's handler from the services its feature hands it. */
export type CommandFactory<D> = (deps: D) => (...args: never[]) => unknown;

export class CommandRunner {
  private readonly describers: ErrorDescriber[] = [];

  constructor(
    private readonly ui: UiHolder,
    private readonly log: vscode.LogOutputChannel,
    /** Secrets known at the moment of logging (e.g. the API key), redacted on top of the known shapes. */
    private readonly knownSecrets: () => Iterable<string> = () => [],
  ) {}

  /** Adds a describer; the first one that recognises an error wins. */
  addDescriber(describer: ErrorDescriber): void {
    this.describers.push(describer);
  }

  /** Registers a feature's commands: each entry pairs an id with a factory that builds the handler from the feature's deps. */
  registerAll<D>(deps: D, commands: ReadonlyArray<readonly [CommandId, CommandFactory<D>]>): vscode.Disposable[] {
    return commands.map(([id, make]) => this.register(id, make(deps)));
  }

  /** Registers a command whose handler runs through `run`; a Retry re-runs it with the same arguments. */
  register<A extends unknown[]>(id: string, handler: (...args: A) => unknown): vscode.Disposable {
    return vscode.commands.registerCommand(id, (...args: unknown[]) =>
      this.run(
        id,
        () => handler(...(args as A)),
        () => vscode.commands.executeCommand(id, ...args),
      ),
    );
  }

  /**
   * Runs `fn` and reports its failure the one consistent way. Resolves to fn's result, or undefined when it failed.
   * `retry` (offered to the describers) runs the same work again; without it a Retry re-runs the command without arguments.
   */
  async run<T>(commandId: string, fn: () => T | Thenable<T>, retry?: () => unknown): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      await this.report(commandId, error, retry);
      return undefined;
    }
  }

  private async report(commandId: string, error: unknown, retry: (() => unknown) | undefined): Promise<void> {
    if (isCancellation(error)) {
      this.log.debug(`${commandId}: cancelled`);
      return;
    }
    const described = this.describe(error, commandId, retry);
    const detail = error instanceof Error ? `${error.name}: ${error.message}${error.stack ? `\n${error.stack}` : ''}` : String(error);
    const safe = (text: string) => redact(text, this.knownSecrets());
    if (described.silent) {
      this.log.debug(`${commandId}: ${safe(detail)}`);
      return;
    }
    this.log.error(`${commandId} failed: ${safe(detail)}`);
    const actions = described.actions ?? [];
    const choice = await this.ui.current.error(safe(described.message), ...actions.map((a) => a.title), SHOW_LOG);
    if (choice === SHOW_LOG) {
      this.log.show(true);
      return;
    }
    const action = actions.find((a) => a.title === choice);
    if (action) await this.run(`${commandId} → ${action.title}`, () => action.run());
  }

  private describe(error: unknown, commandId: string, retry: (() => unknown) | undefined): UserFacingError {
    for (const describer of this.describers) {
      const described = describer(error, commandId, retry);
      if (described) return described;
    }
    const message = error instanceof Error ? error.message : String(error);
    return { message: message || vscode.l10n.t('The command failed.') };
  }
}

/** A dismissed prompt or an aborted call. Matched by name too: tests build their UI from another copy of the class. */
function isCancellation(error: unknown): boolean {
  if (error instanceof UserCancelledError) return true;
  return error instanceof Error && (error.name === 'UserCancelledError' || error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}
