/**
 * The in-editor receiver: a disposable service that starts/stops the core receiver with the
 * geminiWebhooks.receiver.* settings (restarting when they change while it runs), verifies with the
 * signing secrets of the SecretStore (a synchronous snapshot, refreshed when they change), keeps the
 * history in global storage (loaded at once, kept across restarts), writes one output line per
 * delivery and maintains the receiverRunning / hasEvents context keys.
 */
import * as vscode from 'vscode';
import { History, ownAudiences, Receiver, replayDelivery, startReceiver } from '../../../core/receiver';
import { formatDeliveryLine } from '../../../core/receiver/deliveryLine';
import { forwardResultLine } from '../../../core/receiver/forwardLine';
import type { ReceivedDelivery, ForwardResult } from '../../../core/receiver/types';
import type { CaptureVerifyOptions } from '../../../core/capture';
import { SecretCandidate } from '../../../core/verify/secretCandidates';
import { safeUrl } from '../../../core/util/redact';
import { SecretStore } from '../../platform/secretStore';
import { readReceiverSettings, ReceiverSettings, sameSettings } from './receiverSettings';
import { CONTEXT_KEYS, ContextKey, SETTINGS } from '../../platform/ids';
import { Disposable, DisposableStore, toDisposable } from '../../platform/disposable';

export const HISTORY_FILE = 'receiver-history.jsonl';

export class ReceiverService extends Disposable {
  private readonly received = this.register(new vscode.EventEmitter<ReceivedDelivery>());
  private readonly stateChanged = this.register(new vscode.EventEmitter<void>());
  /** Every request the receiver recorded (accepted or not), after it was answered. */
  readonly onDidReceive = this.received.event;
  private readonly contextValues = new Map<string, boolean>();
  /** Started, stopped, restarted, or the history was (re)loaded. */
  readonly onDidChangeState = this.stateChanged.event;
  private receiver: Receiver | undefined;
  private settings: ReceiverSettings | undefined;
  private candidates: readonly SecretCandidate[] = [];
  private historyInstance: History | undefined;
  private historyLoad: Promise<History> | undefined;
  /** The bound of the history being loaded or loaded: a second load of the same size reuses the first. */
  private historyLoadSize: number | undefined;
  /** The JWKS the running receiver uses, and whether it came from the default (not the setting). */
  private activeJwks: { uri: string; fromDefault: boolean } | undefined;
  private readonly historySubscriptions = this.register(new DisposableStore());
  private transition: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly secrets: SecretStore,
    private readonly storageUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** JWKS when the setting is empty: the embedded emulator's while it is the backend, else Google's. */
    private readonly defaultJwksUri: () => string,
  ) {
    super();
    this.register(secrets.onDidChange((key) => key === 'signingSecrets' && void this.refreshSecrets()));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTINGS.receiver) && void this.settingsChanged()));
    // Disposed first (registered last): the server closes, then its history is released.
    this.register(
      toDisposable(() => {
        const receiver = this.receiver;
        this.receiver = undefined;
        void receiver?.close().then(() => this.historyInstance?.dispose());
      }),
    );
    void this.setContext(CONTEXT_KEYS.receiverRunning, false);
    void this.loadHistory(readReceiverSettings().historySize).catch((e: unknown) => this.log.error(`Could not load the delivery history: ${message(e)}`));
    void this.refreshSecrets();
  }

  get running(): boolean {
    return this.receiver !== undefined;
  }

  /** http://host:port/path while running. */
  get url(): string | undefined {
    return this.receiver?.url;
  }

  get port(): number | undefined {
    return this.receiver?.port;
  }

  /** Where deliveries should go: the URL while running, else the one the settings give (unknown on port 0). */
  get expectedUrl(): string | undefined {
    if (this.receiver) return this.receiver.url;
    const settings = readReceiverSettings();
    if (!settings.port) return undefined;
    const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
    const path = settings.path.startsWith('/') ? settings.path : `/${settings.path}`;
    return `http://${host}:${settings.port}${path}`;
  }

  /** The history (kept while stopped); undefined only until it has loaded. */
  get history(): History | undefined {
    return this.historyInstance;
  }

  get forwardTo(): string | undefined {
    return (this.settings ?? readReceiverSettings()).forwardTo || undefined;
  }

  /** Starts with the current settings; resolves to the running receiver (the same one if already running). */
  start(): Promise<Receiver> {
    return this.serialize(async () => {
      if (this.receiver) return this.receiver;
      const settings = readReceiverSettings();
      await this.refreshSecrets();
      const history = await this.loadHistory(settings.historySize);
      const jwksUri = settings.jwksUri || this.defaultJwksUri();
      const receiver = await startReceiver({
        host: settings.host,
        port: settings.port,
        path: settings.path,
        toleranceSeconds: settings.toleranceSeconds,
        secrets: () => this.candidates,
        jwksUri,
        audience: settings.audience || undefined,
        forwardTo: settings.forwardTo || undefined,
        history,
        log: { info: (m) => this.log.info(m), warn: (m) => this.log.warn(m), error: (m) => this.log.error(m) },
      });
      receiver.onDelivery((record) => {
        const line = formatDeliveryLine(record);
        if (record.verdict === 'rejected') this.log.warn(line);
        else this.log.info(line);
        this.received.fire(record);
      });
      this.receiver = receiver;
      this.settings = settings;
      this.activeJwks = { uri: jwksUri, fromDefault: !settings.jwksUri };
      this.log.info(
        `Receiver listening on ${receiver.url} (JWKS ${safeUrl(jwksUri)}${settings.forwardTo ? `, forwarding to ${safeUrl(settings.forwardTo)}` : ''})`,
      );
      await this.setContext(CONTEXT_KEYS.receiverRunning, true);
      this.stateChanged.fire();
      return receiver;
    });
  }

  stop(): Promise<void> {
    return this.serialize(async () => {
      const receiver = this.receiver;
      if (!receiver) return;
      this.receiver = undefined;
      await receiver.close();
      this.log.info('Receiver stopped.');
      await this.setContext(CONTEXT_KEYS.receiverRunning, false);
      this.stateChanged.fire();
    });
  }

  /**
   * The default JWKS may have moved (the backend switched, or the emulator restarted on another port):
   * a running receiver that uses the default restarts on the new one.
   */
  async defaultJwksChanged(): Promise<void> {
    const active = this.activeJwks;
    if (!this.receiver || !active?.fromDefault || active.uri === this.defaultJwksUri()) return;
    this.log.info(`Receiver: the JWKS moved to ${safeUrl(this.defaultJwksUri())}; restarting.`);
    try {
      await this.stop();
      await this.start();
    } catch (e) {
      this.log.error(`The receiver could not restart: ${message(e)}`);
    }
  }

  /** Stops the receiver and writes the history out; awaited when the extension deactivates. */
  async shutdown(): Promise<void> {
    await this.stop().catch((e: unknown) => this.log.error(`Stopping the receiver failed: ${message(e)}`));
    await this.historyInstance?.flush();
  }

  /** Sends a stored delivery to the forward-to app again (works while stopped too). */
  async replay(seq: number): Promise<ForwardResult> {
    const history = this.historyInstance ?? (await this.historyLoad);
    if (!history) throw new Error(vscode.l10n.t('The delivery history has not loaded yet.'));
    return replayDelivery(history, seq, { target: this.forwardTo, secrets: () => this.candidates });
  }

  /**
   * What a captured delivery is verified with: the secrets, key set, audience and tolerance this receiver
   * verifies deliveries with — the running receiver's, or, while stopped, what it would start with.
   */
  async verificationOptions(): Promise<Pick<CaptureVerifyOptions, 'secrets' | 'jwksUri' | 'audience' | 'toleranceSeconds'>> {
    await this.refreshSecrets();
    const running = this.receiver;
    const settings = (running && this.settings) || readReceiverSettings();
    const jwksUri = running && this.activeJwks ? this.activeJwks.uri : settings.jwksUri || this.defaultJwksUri();
    // The receiver's own default: its URL (unknown while stopped on port 0, then not checked and said so).
    const url = running?.url ?? this.expectedUrl;
    const audience = settings.audience || (url ? ownAudiences(url) : undefined);
    return { secrets: () => this.candidates, jwksUri, toleranceSeconds: settings.toleranceSeconds, ...(audience ? { audience } : {}) };
  }

  /** Appends a record made for the history's next seq (an imported capture) to the history the inspector shows; works while stopped. */
  async importDelivery(make: (seq: number) => ReceivedDelivery): Promise<ReceivedDelivery> {
    const history = this.historyInstance ?? (await (this.historyLoad ?? this.loadHistory(readReceiverSettings().historySize)));
    const record = make(history.nextSeq());
    history.append(record);
    return record;
  }

  /** Re-reads the signing secrets now (they are also refreshed whenever the store changes). */
  async refreshSecrets(): Promise<void> {
    try {
      this.candidates = await this.secrets.candidates();
    } catch (e) {
      this.log.error(`Could not read the signing secrets: ${message(e)}`);
    }
  }

  private async settingsChanged(): Promise<void> {
    const next = readReceiverSettings();
    if (this.historyInstance && next.historySize !== this.historyInstance.size && !this.receiver) await this.loadHistory(next.historySize);
    if (!this.receiver || !this.settings || sameSettings(this.settings, next)) return;
    this.log.info('Receiver settings changed: restarting.');
    try {
      await this.stop();
      await this.start();
    } catch (e) {
      this.log.error(`The receiver could not restart: ${message(e)}`);
    }
  }

  /** Opens the history file (once; again when the bound changes), following it for the hasEvents key. */
  private loadHistory(size: number): Promise<History> {
    if (this.historyLoad && this.historyLoadSize === size) return this.historyLoad;
    this.historyLoadSize = size;
    const previous = this.historyInstance;
    this.historyLoad = (async () => {
      await previous?.flush();
      const history = await History.open({
        size,
        path: vscode.Uri.joinPath(this.storageUri, HISTORY_FILE).fsPath,
        log: { info: (m) => this.log.info(m), warn: (m) => this.log.warn(m), error: (m) => this.log.error(m) },
      });
      this.historySubscriptions.clear();
      const hasEvents = () => void this.setContext(CONTEXT_KEYS.hasEvents, history.count > 0);
      const logged = new WeakSet<ForwardResult>();
      const logForwards = (r: ReceivedDelivery) => {
        for (const result of [r.forward, ...(r.replays ?? [])]) {
          if (!result || logged.has(result)) continue;
          logged.add(result);
          if (result.ok) this.log.info(forwardResultLine(r.seq, result));
          else this.log.warn(forwardResultLine(r.seq, result));
        }
      };
      this.historySubscriptions.add(history.onDidAppend(hasEvents));
      this.historySubscriptions.add(history.onDidClear(hasEvents));
      this.historySubscriptions.add(history.onDidUpdate(logForwards));
      this.historyInstance = history;
      previous?.dispose();
      hasEvents();
      this.stateChanged.fire();
      return history;
    })();
    return this.historyLoad;
  }

  private serialize<T>(job: () => Promise<T>): Promise<T> {
    const next = this.transition.then(job, job);
    this.transition = next.catch(() => undefined);
    return next;
  }

  /** Sets a context key only when its value changes: it is called on every delivery. */
  private async setContext(key: ContextKey, value: boolean): Promise<void> {
    if (this.contextValues.get(key) === value) return;
    this.contextValues.set(key, value);
    await vscode.commands.executeCommand('setContext', key, value);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
