/**
 * The handler feature: Check My Handler… (the probe and its scorecard), Create Webhook Handler…
 * (the scaffolds) and "Write to .env" after Create and Rotate (the hook the composition root hands
 * to the webhook commands). The probe and the scaffolds load on first use.
 */
import * as vscode from 'vscode';
import { CommandRunner, UiHolder } from '../platform/commandRunner';
import { Disposable } from '../platform/disposable';
import { COMMANDS } from '../platform/ids';
import { SecretStore } from '../platform/secretStore';
import type { Clipboard } from '../platform/userInterface';
import { checkHandler, runChecks } from './commands/checkHandler';
import { createWebhookHandler } from './commands/createWebhookHandler';
import { CheckRequest, HandlerDeps } from './deps';
import { EnvSecretWriter } from './envFile';
import { ProbeSession } from './probeSession';
import { ScorecardPanel } from './scorecard/scorecardPanel';

export interface HandlerFeatureOptions {
  readonly runner: CommandRunner;
  readonly secrets: SecretStore;
  readonly ui: UiHolder;
  readonly log: vscode.LogOutputChannel;
  readonly clipboard: Clipboard;
  readonly extensionUri: vscode.Uri;
  readonly globalStorage: vscode.Uri;
  readonly state: vscode.Memento;
  readonly receiverUrl: () => string | undefined;
  readonly webhookName: (webhookId: string) => string | undefined;
}

export class HandlerFeature extends Disposable {
  readonly session: ProbeSession;
  readonly scorecard: ScorecardPanel;
  /** Hooked into Create Webhook and Rotate Signing Secret. */
  readonly env: EnvSecretWriter;
  /** What Re-run repeats. */
  lastRequest: CheckRequest | undefined;

  constructor(options: HandlerFeatureOptions) {
    super();
    this.session = this.register(new ProbeSession(options.globalStorage, options.log));
    this.scorecard = this.register(
      new ScorecardPanel(options.extensionUri, options.clipboard, options.log, async () => {
        const request = this.lastRequest;
        if (request) await options.runner.run(COMMANDS.checkHandler, () => runChecks(deps, request, true));
      }),
    );
    this.env = new EnvSecretWriter(options.secrets, options.ui, options.log);
    const deps: HandlerDeps = {
      secrets: options.secrets,
      ui: options.ui,
      log: options.log,
      clipboard: options.clipboard,
      runner: options.runner,
      session: this.session,
      scorecard: this.scorecard,
      state: options.state,
      receiverUrl: options.receiverUrl,
      webhookName: options.webhookName,
    };
    this.register(
      options.runner.register(
        COMMANDS.checkHandler,
        checkHandler(deps, (r) => (this.lastRequest = r)),
      ),
    );
    this.register(options.runner.register(COMMANDS.createWebhookHandler, createWebhookHandler(deps)));
  }
}
