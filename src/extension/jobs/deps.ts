/**
 * What the Jobs feature needs from the rest of the extension, as functions and events wired in
 * extension.ts (a feature never imports another): the live backend's jobs client, the receiver, and
 * the recorded deliveries.
 */
import * as vscode from 'vscode';
import type { JobsClient } from '../../core/api';
import type { ReceivedDelivery } from '../../core/receiver/types';
import { CommandRunner, UiHolder } from '../platform/commandRunner';
import type { Clipboard } from '../platform/userInterface';

export interface JobsBackend {
  /** 'emulator' or 'gemini'. */
  readonly kind: string;
  /** The live backend's jobs client (the Webhooks view's base URL and key); rejects when the backend could not start. */
  jobsClient(): Promise<JobsClient>;
  /** scheme://host and version of the API in use (named in the commands a person runs to fetch results). */
  api(): Promise<{ readonly baseUrl: string; readonly version: string }>;
  /** The backend switched: jobs of the other one are not reachable with this client. */
  readonly onDidChange: vscode.Event<unknown>;
}

export interface JobsReceiver {
  /** http://host:port/path while running. */
  url(): string | undefined;
  /** Starts it (resolves once it listens). */
  start(): Promise<unknown>;
  /** The public URL that reaches it (the setting, the editor's forwarded address, an ngrok tunnel), when one is found. */
  publicUrl(): Promise<string | undefined>;
}

export interface JobsEvents {
  /** Every delivery the receiver recorded, after it was answered. */
  readonly onDidReceive: vscode.Event<ReceivedDelivery>;
  get(seq: number): ReceivedDelivery | undefined;
  /** Oldest first. */
  all(): readonly ReceivedDelivery[];
  /** The history was loaded, replaced or cleared. */
  readonly onDidReset: vscode.Event<unknown>;
}

export interface JobsDeps {
  readonly runner: CommandRunner;
  readonly ui: UiHolder;
  readonly log: vscode.LogOutputChannel;
  /** workspaceState: the jobs started from this workspace survive reloads. */
  readonly state: vscode.Memento;
  readonly backend: JobsBackend;
  readonly receiver: JobsReceiver;
  readonly events: JobsEvents;
  readonly clipboard: Clipboard;
}
