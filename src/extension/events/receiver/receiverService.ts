/**
 * The in-editor receiver: a disposable service that starts/stops the core receiver with the
 * geminiWebhooks.receiver.* settings (restarting when they change while it runs), verifies with the
 * signing secrets of the SecretStore (a synchronous snapshot, refreshed when they change), keeps the
 * history in global storage (loaded at once, kept across restarts; a load that failed is tried again
 * on the next start, never cached), writes one output line per delivery and maintains the
 * receiverRunning / hasEvents context keys.
 *
 * Every window of the profile shares that history file (and its dedupe memory): the core writes it
 * under a lock, so two windows' receivers never erase each other's records. When the configured
 * port is taken (typically by another window's receiver), this window may run on another port
 * (`start({ port })`) without touching the setting — which would move the other window's receiver too.
 */
import * as vscode from 'vscode';
import type { Receiver } from '../../../core/receiver';
import type { FailurePlan } from '../../../core/receiver/failurePlan';
import { History } from '../../../core/receiver/history';
import { formatDeliveryLine } from '../../../core/receiver/deliveryLine';
import { forwardResultLine } from '../../../core/receiver/forwardLine';
import type { ReceivedDelivery, ForwardResult } from '../../../core/receiver/types';
import type { CaptureVerifyOptions } from '../../../core/capture';
import { SecretCandidate } from '../../../core/verify/secretCandidates';
import { RetryingLoad } from '../../../core/util/retryingLoad';
import { safeUrl } from '../../../core/util/redact';
import { checkHttpUrl } from '../../../core/util/url';
import { SecretStore } from '../../platform/secretStore';
import { readReceiverSettings, ReceiverSettings, sameSettings } from './receiverSettings';
import { ReceiverPublicUrl } from './publicUrl';
import { CONTEXT_KEYS, ContextKey, SETTINGS } from '../../platform/ids';
import { Disposable, DisposableStore, toDisposable } from '../../platform/disposable';

export const HISTORY_FILE = 'receiver-history.jsonl';

/**
 * The receiver's server, its verification (jose, standardwebhooks) and replay: a bundle of their own,
 * dist/receiver.js (scripts/build.mjs), loaded when the receiver first starts or replays. The history is
 * loaded at activation (the Events view lists it) and stays in the extension's bundle.
 */
const engine = () => import('../../../core/receiver/index.js');
const MIB = 1024 * 1024;

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
  /** The history file opened with given bounds: a second load with the same bounds reuses the first, a failed one is retried. */
  private readonly historyLoads = new RetryingLoad<string, History>((bounds) => this.openHistory(bounds));
  /** A port for this window only, and the port setting it stands in for (dropped once the setting changes). */
  private portOverride: { readonly port: number; readonly insteadOf: number } | undefined;
  /** The JWKS the running receiver uses, and whether it came from the default (not the setting). */
  private activeJwks: { uri: string; fromDefault: boolean } | undefined;
  private readonly historySubscriptions = this.register(new DisposableStore());
  private transition: Promise<unknown> = Promise.resolve();
  /** The receiver's public URL (setting, editor forwarding, ngrok): Create Webhook and Copy Receiver URL offer it; JWTs for it are accepted. */
  readonly publicUrl: ReceiverPublicUrl;
  /** The failure rehearsal (kept across restarts: one plan counts down whichever receiver runs). */
  private plan: FailurePlan | undefined;

  constructor(
    private readonly secrets: SecretStore,
    private readonly storageUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** JWKS when the setting is empty: the embedded emulator's while it is the backend, else Google's. */
    private readonly defaultJwksUri: () => string,
  ) {
    super();
    this.publicUrl = this.register(new ReceiverPublicUrl(this, log));
    this.register(secrets.onDidChange((key) => key === 'signingSecrets' && void this.refreshSecrets()));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTINGS.receiver) && void this.settingsChanged()));
    // Disposed first (registered last): the server closes, then its history is released.
    this.register(
      toDisposable(() => {
        const receiver = this.receiver;
        this.receiver = undefined;
        // Disposing the history hands back this window's unused seqs.
        void (receiver?.close() ?? Promise.resolve()).then(() => this.historyInstance?.dispose());
      }),
    );
    void this.setContext(CONTEXT_KEYS.receiverRunning, false);
    void this.loadHistory(readReceiverSettings()).catch((e: unknown) => this.log.error(`Could not load the delivery history: ${message(e)}`));
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

  get failurePlan(): FailurePlan | undefined {
    return this.plan;
  }

  /** Verified deliveries are answered by `plan` from now on (the running receiver, and any started later); undefined clears it. */
  setFailurePlan(plan: FailurePlan | undefined): void {
    this.plan = plan;
    this.receiver?.setFailurePlan(plan);
  }

  /** The port this window's receiver uses instead of the setting, if one was chosen (see start). */
  get windowPort(): number | undefined {
    return this.portOverride?.port;
  }

  /**
   * Starts with the current settings; resolves to the running receiver (the same one if already running).
   * `port`: listen there instead of the port setting, for this window only, until the setting changes.
   */
  start(options: { readonly port?: number } = {}): Promise<Receiver> {
    return this.serialize(async () => {
      if (this.receiver) return this.receiver;
      const settings = readReceiverSettings();
      if (options.port !== undefined) this.portOverride = { port: options.port, insteadOf: settings.port };
      if (this.portOverride && this.portOverride.insteadOf !== settings.port) this.portOverride = undefined;
      checkUrlSettings(settings);
      await this.refreshSecrets();
      const history = await this.loadHistory(settings);
      const jwksUri = settings.jwksUri || this.defaultJwksUri();
      const { startReceiver } = await engine();
      const receiver = await startReceiver({
        host: settings.host,
        port: this.portOverride?.port ?? settings.port,
        path: settings.path,
        toleranceSeconds: settings.toleranceSeconds,
        secrets: () => this.candidates,
        jwksUri,
        audience: settings.audience || undefined,
        publicUrls: () => this.publicUrl.audiences(),
        forwardTo: settings.forwardTo || undefined,
        history,
        failurePlan: this.plan,
        log: { info: (m) => this.log.info(m), warn: (m) => this.log.warn(m), error: (m) => this.log.error(m) },
      });
      receiver.onDelivery((record) => {
        const line = formatDeliveryLine(record);
        if (record.verdict === 'rejected' || record.rehearsal) this.log.warn(line);
        else this.log.info(line);
        this.received.fire(record);
      });
      this.receiver = receiver;
      // The rehearsal may have been started or stopped while it was starting (the plan above was read before the awaits).
      receiver.setFailurePlan(this.plan);
      this.settings = settings;
      // "Any free port": keep the one it got, so that a restart (settings, JWKS) keeps the URL.
      if (this.portOverride?.port === 0) this.portOverride = { ...this.portOverride, port: receiver.port };
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
    const history = this.historyInstance ?? (await this.historyLoads.latest);
    if (!history) throw new Error(vscode.l10n.t('The delivery history has not loaded yet.'));
    const { replayDelivery } = await engine();
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
    const { ownAudiences } = await engine();
    const audience = settings.audience || (url ? ownAudiences(url, running ? this.publicUrl.audiences() : []) : undefined);
    return { secrets: () => this.candidates, jwksUri, toleranceSeconds: settings.toleranceSeconds, ...(audience ? { audience } : {}) };
  }

  /** Appends a record made for the history's next seq (an imported capture) to the history the inspector shows; works while stopped. */
  async importDelivery(make: (seq: number) => ReceivedDelivery): Promise<ReceivedDelivery> {
    const history = this.historyInstance ?? (await (this.historyLoads.latest ?? this.loadHistory(readReceiverSettings())));
    // As stored: its fields bounded like a received delivery's.
    return history.append(make(history.nextSeq()));
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
    const bounds = this.historyInstance && { size: this.historyInstance.size, maxBytes: this.historyInstance.maxBytes };
    if (bounds && (next.historySize !== bounds.size || next.historyMegabytes * MIB !== bounds.maxBytes) && !this.receiver) {
      await this.loadHistory(next).catch((e: unknown) => this.log.error(`Could not load the delivery history: ${message(e)}`));
    }
    if (!this.receiver || !this.settings || sameSettings(this.settings, next)) return;
    this.log.info('Receiver settings changed: restarting.');
    try {
      await this.stop();
      await this.start();
    } catch (e) {
      this.log.error(`The receiver could not restart: ${message(e)}`);
    }
  }

  /** The history file opened with the settings' bounds (once; again when a bound changes or the last load failed). */
  private loadHistory(settings: Pick<ReceiverSettings, 'historySize' | 'historyMegabytes'>): Promise<History> {
    return this.historyLoads.get(`${settings.historySize}:${settings.historyMegabytes * MIB}`);
  }

  /** Opens the history file with bounds `size:maxBytes`, following it for the hasEvents key. */
  private openHistory(bounds: string): Promise<History> {
    const [size, maxBytes] = bounds.split(':').map(Number);
    const previous = this.historyInstance;
    return (async () => {
      await previous?.flush();
      const history = await History.open({
        size,
        maxBytes,
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

/** The URL settings, checked before anything starts: a typo says which setting, not "fetch failed" on every delivery later. */
function checkUrlSettings(settings: ReceiverSettings): void {
  for (const [name, value] of [
    ['jwksUri', settings.jwksUri],
    ['forwardTo', settings.forwardTo],
  ] as const) {
    if (value !== '' && !checkHttpUrl(value, { allowCredentials: true }).ok)
      throw new Error(
        vscode.l10n.t(
          'The setting {0} is not an absolute http(s) URL ({1}). Correct it or clear it in Settings, then start the receiver again.',
          `${SETTINGS.receiver}.${name}`,
          safeUrl(value),
        ),
      );
  }
}
