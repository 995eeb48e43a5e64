/** What the handler feature's commands share: the services they act through. */
import * as vscode from 'vscode';
import { CommandRunner, UiHolder } from '../platform/commandRunner';
import { SecretStore } from '../platform/secretStore';
import type { Clipboard } from '../platform/userInterface';
import { ProbeRequest, ProbeSession } from './probeSession';
import { ScorecardPanel } from './scorecard/scorecardPanel';

export interface HandlerDeps {
  readonly secrets: SecretStore;
  readonly ui: UiHolder;
  readonly log: vscode.LogOutputChannel;
  readonly clipboard: Clipboard;
  readonly runner: CommandRunner;
  readonly session: ProbeSession;
  readonly scorecard: ScorecardPanel;
  /** Remembers the last URL checked, per workspace. */
  readonly state: vscode.Memento;
  /** The running receiver's URL: the probe is for the user's handler, so it is refused (its requests would fill the inspector). */
  readonly receiverUrl: () => string | undefined;
  /** A webhook's name, when the Webhooks view knows it (for the secret picker). */
  readonly webhookName: (webhookId: string) => string | undefined;
}

/** One run's request and how to name it: what Re-run repeats. */
export type CheckRequest = ProbeRequest;
