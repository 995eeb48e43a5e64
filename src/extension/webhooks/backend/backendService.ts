/**
 * Which API the Webhooks view talks to, and the client for it:
 * - 'emulator' (default): the local emulator runs inside the extension host on loopback, its
 *   webhooks and secrets persisted under globalStorageUri so they survive reloads; a fixed local key.
 * - 'gemini': the real API at api.baseUrl/api.version with the key from SecretStorage.
 * Re-applies itself when a backend setting changes; sets the `geminiWebhooks.backend` and
 * `geminiWebhooks.hasApiKey` context keys; `onDidChange` fires after each switch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { JobsClient, TransportOptions, WebhooksClient, isLoopbackHost } from '../../../core/api';
import type { Emulator } from '../../../core/emulator';
import { DYNAMIC_SIGNING_LABELS, DynamicSigningMode } from '../../../core/emulator/dynamicSigner';
import { EMULATOR_LOCAL_KEY } from '../../../core/emulator/localKey';
import { GOOGLE_JWKS_URI } from '../../../core/events/dynamicToken';
import { SecretStore } from '../../platform/secretStore';
import { BackendKind, BackendSettings, affectsBackend, readBackendSettings, writeBackendKind } from './backendSettings';
import { seedSampleWebhooks } from './sampleData';
import { CONTEXT_KEYS } from '../../platform/ids';
import { Disposable, toDisposable } from '../../platform/disposable';

export interface BackendSnapshot {
  readonly kind: BackendKind;
  readonly client: WebhooksClient;
  /** The jobs (batches, interactions, video operations) on the same base URL and key. */
  readonly jobs: JobsClient;
  /** scheme://host of the API in use and its version (what a results command names). */
  readonly api: { readonly baseUrl: string; readonly version: string };
  /** Base URL of the embedded emulator while it is the backend. */
  readonly emulatorUrl: string | undefined;
}

export class BackendService extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<BackendKind>());
  /** Fires once the backend has switched (or its settings changed) and the new client is ready. */
  readonly onDidChange = this.changed.event;
  private current: Promise<BackendSnapshot> | undefined;
  private snapshot: BackendSnapshot | undefined;
  private emulator: Emulator | undefined;
  private applied: BackendSettings | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private hasKey = false;

  constructor(
    private readonly secrets: SecretStore,
    private readonly storageDir: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsBackend(e)) void this.apply().catch(() => undefined);
      }),
    );
    this.register(
      secrets.onDidChange((key) => {
        if (key === 'apiKey') void this.updateKeyContext();
      }),
    );
    this.register(toDisposable(() => void this.close()));
    void this.updateKeyContext();
  }

  /** Keys for dynamic deliveries when no JWKS is configured: the embedded emulator's while it is the backend, else Google's. */
  defaultJwksUri(): string {
    const url = this.emulatorUrl();
    return this.kind === 'emulator' && url ? `${url}/.well-known/jwks.json` : GOOGLE_JWKS_URI;
  }

  /** The backend chosen in settings (it may still be starting). */
  get kind(): BackendKind {
    return this.snapshot?.kind ?? readBackendSettings().kind;
  }

  /** The embedded emulator's URL while it is the live backend. */
  emulatorUrl(): string | undefined {
    return this.snapshot?.emulatorUrl;
  }

  /**
   * The emulator whose delivery log can be read (GET /emulator/deliveries): the embedded one while it is
   * the backend, or one `api.baseUrl` names on this machine (e.g. `gemini-webhooks emulator`, with the
   * stored key); undefined for the Gemini API, which publishes no delivery attempts.
   */
  emulatorEndpoint(): { readonly baseUrl: string; apiKey(): Promise<string | undefined> } | undefined {
    const url = this.emulatorUrl();
    if (url) return { baseUrl: url, apiKey: async () => EMULATOR_LOCAL_KEY };
    const baseUrl = this.snapshot?.kind === 'gemini' ? this.applied?.baseUrl : undefined;
    if (!baseUrl || !URL.canParse(baseUrl) || !isLoopbackHost(new URL(baseUrl).hostname)) return undefined;
    return { baseUrl, apiKey: () => this.secrets.getApiKey() };
  }

  /** How the embedded emulator signs dynamic deliveries, while it is the live backend. */
  emulatorDynamicSigning(): DynamicSigningMode | undefined {
    return this.embeddedEmulator()?.dynamicSigning;
  }

  get hasApiKey(): boolean {
    return this.hasKey;
  }

  /** The client of the live backend; starts it on first use; rejects when it could not start. */
  client(): Promise<WebhooksClient> {
    return this.ready().then((s) => s.client);
  }

  /** The jobs client of the live backend (same base URL and key as `client()`). */
  jobsClient(): Promise<JobsClient> {
    return this.ready().then((s) => s.jobs);
  }

  ready(): Promise<BackendSnapshot> {
    if (!this.current) void this.apply().catch(() => undefined);
    return this.current!;
  }

  /** (Re)builds the backend from settings when they changed, or when the last start failed. */
  apply(): Promise<BackendSnapshot> {
    const run = this.queue.then(async () => {
      const settings = readBackendSettings();
      if (this.snapshot && this.applied && JSON.stringify(this.applied) === JSON.stringify(settings)) return this.snapshot;
      const snapshot = await this.build(settings);
      this.applied = settings;
      this.changed.fire(snapshot.kind);
      return snapshot;
    });
    this.current = run;
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Switches the setting and waits until the new backend is live. */
  async switchTo(kind: BackendKind): Promise<BackendSnapshot> {
    await writeBackendKind(kind);
    return this.apply();
  }

  private async build(settings: BackendSettings): Promise<BackendSnapshot> {
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.backend, settings.kind);
    if (settings.kind !== 'emulator') await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.emulatorRunning, false);
    const previous = this.snapshot;
    this.snapshot = undefined;
    await previous?.client.close().catch(() => undefined);
    await previous?.jobs.close().catch(() => undefined);
    const wantsEmulator = settings.kind === 'emulator';
    const emulatorChanged =
      this.applied &&
      (this.applied.emulatorPort !== settings.emulatorPort ||
        this.applied.emulatorTimeScale !== settings.emulatorTimeScale ||
        this.applied.emulatorDynamicSigning !== settings.emulatorDynamicSigning);
    if (this.emulator && (!wantsEmulator || emulatorChanged)) await this.stopEmulator();
    let snapshot: BackendSnapshot;
    if (wantsEmulator) {
      const emulator = this.emulator ?? (await this.startEmbeddedEmulator(settings));
      const options: TransportOptions = {
        baseUrl: emulator.url,
        apiVersion: 'v1beta',
        apiKey: async () => EMULATOR_LOCAL_KEY,
        timeoutMs: settings.timeoutMs,
        log: (l) => this.log.trace(`api: ${l}`),
      };
      const client = new WebhooksClient(options);
      const api = { baseUrl: emulator.url, version: 'v1beta' };
      snapshot = { kind: 'emulator', client, jobs: new JobsClient(options), api, emulatorUrl: emulator.url };
      if (this.env.GEMINI_WEBHOOKS_SAMPLE_DATA === '1') await seedSampleWebhooks(client, this.secrets, this.log);
    } else {
      const options: TransportOptions = {
        baseUrl: settings.baseUrl,
        apiVersion: settings.apiVersion,
        apiKey: () => this.secrets.getApiKey(),
        timeoutMs: settings.timeoutMs,
        log: (l) => this.log.trace(`api: ${l}`),
      };
      const client = new WebhooksClient(options);
      const api = { baseUrl: settings.baseUrl, version: settings.apiVersion };
      snapshot = { kind: 'gemini', client, jobs: new JobsClient(options), api, emulatorUrl: undefined };
      this.log.info(`Backend: Gemini API at ${new URL(settings.baseUrl).host} (${settings.apiVersion})`);
    }
    this.snapshot = snapshot;
    // The walkthrough's first step: done once the embedded emulator really runs.
    if (snapshot.kind === 'emulator') await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.emulatorRunning, true);
    return snapshot;
  }

  private async startEmbeddedEmulator(settings: BackendSettings): Promise<Emulator> {
    const dir = this.storageDir.fsPath;
    fs.mkdirSync(dir, { recursive: true });
    try {
      // The emulator's own bundle (dist/emulator.js), loaded when it first starts: never on the Gemini API.
      const { startEmulator } = await import('../../../core/emulator/index.js');
      this.emulator = await startEmulator({
        port: settings.emulatorPort,
        timeScale: settings.emulatorTimeScale,
        dynamicSigning: settings.emulatorDynamicSigning,
        statePath: path.join(dir, 'emulator-state.json'),
        log: (line) => this.log.debug(`emulator: ${line}`),
        warn: (line) => this.log.warn(`emulator: ${line}`),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'EADDRINUSE'
          ? `port ${settings.emulatorPort} is in use (change geminiWebhooks.emulator.port, or 0 for any free port)`
          : error instanceof Error
            ? error.message
            : String(error);
      this.log.error(`The local emulator could not start: ${why}`);
      throw new EmulatorStartError(
        why,
        code === 'EADDRINUSE'
          ? vscode.l10n.t(
              'The local emulator could not start: port {0} is in use (change geminiWebhooks.emulator.port, or 0 for any free port)',
              settings.emulatorPort,
            )
          : undefined,
      );
    }
    this.log.info(`Backend: local emulator at ${this.emulator.url} (dynamic deliveries signed ${DYNAMIC_SIGNING_LABELS[this.emulator.dynamicSigning]})`);
    return this.emulator;
  }

  private async stopEmulator(): Promise<void> {
    const emulator = this.emulator;
    this.emulator = undefined;
    await emulator?.close().catch((e: unknown) => this.log.warn(`emulator: close failed: ${String(e)}`));
  }

  /** Never rejects: a secret storage that fails reads as "no key", and says so in the log. */
  private async updateKeyContext(): Promise<void> {
    try {
      this.hasKey = !!(await this.secrets.getApiKey());
    } catch (error) {
      this.hasKey = false;
      this.log.error(`Could not read the API key from secret storage: ${error instanceof Error ? error.message : String(error)}`);
    }
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasApiKey, this.hasKey);
  }

  /** Resolves once the API-key context key reflects the store (after set/clear). */
  refreshKeyState(): Promise<void> {
    return this.updateKeyContext();
  }

  /** The live emulator (tests drive its deliveries); undefined on the gemini backend. */
  embeddedEmulator(): Emulator | undefined {
    return this.snapshot?.kind === 'emulator' ? this.emulator : undefined;
  }

  async close(): Promise<void> {
    await this.snapshot?.client.close().catch(() => undefined);
    await this.snapshot?.jobs.close().catch(() => undefined);
    await this.stopEmulator();
  }
}

export class EmulatorStartError extends Error {
  override readonly name = 'EmulatorStartError';
  constructor(
    readonly reason: string,
    message?: string,
  ) {
    super(message ?? vscode.l10n.t('The local emulator could not start: {0}', reason));
  }
}
