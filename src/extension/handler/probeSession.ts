/**
 * The editor's side of the probe: runs it (the probe code is loaded on first use, off the activation
 * path) and, for dynamic checks, keeps the probe's key server up for the rest of the session at a
 * stable URL (port 8790, or a free one when that is taken), its keys kept in the extension's global
 * storage so a handler that cached them stays right across reloads.
 */
import * as vscode from 'vscode';
import type { ProbeKeyServer, ProbeOutcome } from '../../core/probe';
import type { CheckResult } from '../../core/probe/types';
import { Disposable, toDisposable } from '../platform/disposable';

export interface ProbeRequest {
  readonly url: string;
  readonly secrets: readonly string[];
  readonly dynamic: boolean;
  /** How the secrets are named — `the secret of "Batch results"` — in the scorecard and the probe's summary (never the secret). */
  readonly secretLabel: string;
}

/** Check My Handler's answer that asks for dynamic checks (the scorecard's note names it when they were not run). */
export const staticAndDynamicLabel = (): string => vscode.l10n.t('Static and dynamic deliveries');

export class ProbeSession extends Disposable {
  private keyServer: Promise<ProbeKeyServer> | undefined;

  constructor(
    private readonly globalStorage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(toDisposable(() => void this.stopKeyServer()));
  }

  /** The key server's URL once it runs (tests and the scorecard read it). */
  get jwksUri(): Promise<string | undefined> {
    return this.keyServer ? this.keyServer.then((s) => s.url).catch(() => undefined) : Promise.resolve(undefined);
  }

  get keyServerRunning(): boolean {
    return this.keyServer !== undefined;
  }

  /** Starts the key server when it is not running; answers its URL and whether it started now. */
  async ensureKeyServer(): Promise<{ url: string; started: boolean }> {
    if (this.keyServer) {
      try {
        return { url: (await this.keyServer).url, started: false };
      } catch {
        this.keyServer = undefined;
      }
    }
    const starting = this.startKeyServer();
    this.keyServer = starting;
    starting.catch(() => {
      if (this.keyServer === starting) this.keyServer = undefined;
    });
    return { url: (await starting).url, started: true };
  }

  private async startKeyServer(): Promise<ProbeKeyServer> {
    const probe = await import('../../core/probe/index.js');
    await vscode.workspace.fs.createDirectory(this.globalStorage);
    const loaded = await probe.loadOrCreateProbeKeys(vscode.Uri.joinPath(this.globalStorage, 'probe-keys.json').fsPath);
    if (loaded.note) this.log.warn(`Check My Handler: ${loaded.note}`);
    try {
      const server = await probe.startProbeKeyServer({ keys: loaded.keys, port: probe.DEFAULT_PROBE_JWKS_PORT });
      this.log.info(`Check My Handler: the probe's key set is served at ${server.url}${loaded.created ? ' (a new key set)' : ''}.`);
      return server;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      const server = await probe.startProbeKeyServer({ keys: loaded.keys, port: 0 });
      this.log.warn(`Check My Handler: port ${probe.DEFAULT_PROBE_JWKS_PORT} is taken; the probe's key set is served at ${server.url} instead.`);
      return server;
    }
  }

  async stopKeyServer(): Promise<void> {
    const running = this.keyServer;
    this.keyServer = undefined;
    await running?.then((s) => s.close()).catch(() => undefined);
  }

  /** Runs the probe; rejects with an AbortError when `signal` aborts. */
  async run(request: ProbeRequest, signal: AbortSignal, onProgress: (done: number, total: number, result: CheckResult) => void): Promise<ProbeOutcome> {
    const probe = await import('../../core/probe/index.js');
    const keyServer = request.dynamic ? await (this.keyServer ?? (await this.ensureKeyServer(), this.keyServer)) : undefined;
    return probe.runProbe({
      url: request.url,
      secrets: request.secrets,
      signal,
      onProgress,
      secretsName: request.secretLabel,
      askForDynamic: vscode.l10n.t('ask for them in Check My Handler: "{0}"', staticAndDynamicLabel()),
      // The server lives as long as the session: a handler that fetched the keys in an earlier run has been pointed at it.
      ...(keyServer ? { dynamic: { keys: keyServer.keys, jwksUri: keyServer.url, keyFetches: () => keyServer.fetches } } : {}),
    });
  }
}
