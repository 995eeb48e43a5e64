/**
 * The inspector's host: one webview panel (`geminiWebhooks.inspector`), restored after a reload
 * through the serializer. Messages wait in a queue until the page says `ready`; new deliveries go
 * to the page in batches (≤ 20 flushes/s, ≤ 500 rows each) so a flood never floods the editor.
 */
import * as vscode from 'vscode';
import type { ReceivedDelivery } from '../../../core/receiver/types';
import { HostMessage, PageMessage, PageState, ReceiverState, isPageMessage, isPageState } from '../../../webview/inspector/protocol';
import { AppendBatcher } from './appendBatcher';
import { AttemptsTracker, DeliveryLogEndpoint } from './attemptsTracker';
import { buildCurl } from './curl';
import { EventFeed } from '../eventFeed';
import { localResourceRoots } from '../../platform/webviewHtml';
import { inspectorHtml } from './html';
import { bodyText, toDetail, toRowSummary, WebhookNames } from './summary';
import { readReceiverSettings } from '../receiver/receiverSettings';
import { COMMANDS, WEBVIEWS } from '../../platform/ids';
import { Disposable, DisposableStore, toDisposable } from '../../platform/disposable';
import type { WebhookDirectory } from '../../platform/webhookDirectory';

/** Counters the integration tests and the benchmark read. */
export interface InspectorStats {
  posted: number;
  appendFlushes: number;
  appendedRows: number;
  /** Messages waiting for `ready` right now. */
  queued: number;
  readyCount: number;
}

export class InspectorController extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly panelSubscriptions = this.register(new DisposableStore());
  private ready = false;
  private queue: HostMessage[] = [];
  private readonly appends: AppendBatcher<ReceivedDelivery>;
  private readonly updates: AppendBatcher<ReceivedDelivery>;
  private readonly viewed = this.register(new vscode.EventEmitter<void>());
  private readonly pageMessages = this.register(new vscode.EventEmitter<PageMessage>());
  /** The panel became visible (the status bar resets its count of new events). */
  readonly onDidView = this.viewed.event;
  /** Every valid message from the page (tests wait on `ready` and `rendered`). */
  readonly onDidReceiveMessage = this.pageMessages.event;
  readonly stats: InspectorStats = { posted: 0, appendFlushes: 0, appendedRows: 0, queued: 0, readyCount: 0 };
  /** Webhooks by name: the source column, its filter and the matched secret read "My batch app", not the id. */
  private readonly names: WebhookNames;
  /** The selected delivery's attempts: the emulator's log, and this receiver's arrivals of its webhook-id. */
  private readonly attempts: AttemptsTracker;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly feed: EventFeed,
    private readonly log: vscode.LogOutputChannel,
    directory?: Pick<WebhookDirectory, 'name' | 'onDidChange'>,
    /** The delivery log of the emulator the backend is (undefined on the Gemini API, which publishes none). */
    deliveryLog: () => DeliveryLogEndpoint | undefined = () => undefined,
  ) {
    super();
    this.names = (id) => directory?.name(id);
    this.attempts = this.register(new AttemptsTracker(feed, (seq, view) => this.post({ type: 'attempts', seq, view }), deliveryLog, log));
    const summary = (r: ReceivedDelivery) => toRowSummary(r, this.names);
    this.appends = this.register(
      new AppendBatcher({
        capacity: feed.capacity,
        flush: (records) => {
          this.stats.appendFlushes++;
          this.stats.appendedRows += records.length;
          this.post({ type: 'append', rows: records.map(summary) });
        },
      }),
    );
    this.updates = this.register(new AppendBatcher({ flush: (records) => this.post({ type: 'update', rows: [...new Set(records)].map(summary) }) }));
    this.register(feed.onDidAppend((r) => this.ready && this.panel && this.appends.push(r)));
    this.register(feed.onDidUpdate((r) => this.ready && this.panel && this.updates.push(r)));
    this.register(
      feed.onDidClear(() => {
        this.appends.reset();
        this.updates.reset();
        this.post({ type: 'clear' });
      }),
    );
    this.register(feed.onDidChangeState(() => this.post({ type: 'status', receiver: this.receiverState() })));
    // A webhook got its name (the list loaded after the history) or was renamed: the rows say so.
    if (directory) this.register(directory.onDidChange(() => this.ready && this.post({ type: 'update', rows: this.feed.records().map(summary) })));
    // Registered last, so disposed first: closing the panel detaches it while the batchers still exist.
    this.register(toDisposable(() => this.panel?.dispose()));
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get isReady(): boolean {
    return this.ready;
  }

  get isVisible(): boolean {
    return this.panel?.visible === true;
  }

  /** Opens (or reveals) the panel; with `seq`, selects that event. */
  show(seq?: number): void {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(WEBVIEWS.inspector, vscode.l10n.t('Webhook Inspector'), vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: localResourceRoots(this.extensionUri),
      });
      this.attach(panel);
    } else {
      this.panel.reveal(undefined, false);
    }
    if (seq !== undefined) this.post({ type: 'select', seq });
  }

  /** Serializer path: takes over a panel VS Code restored after a reload. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    this.panel?.dispose();
    panel.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(this.extensionUri) };
    this.attach(panel);
    const saved: PageState = isPageState(state) ? state : {};
    if (saved.selected !== undefined) this.post({ type: 'select', seq: saved.selected });
  }

  close(): void {
    this.panel?.dispose();
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.queue = [];
    this.stats.queued = 0;
    this.panelSubscriptions.clear();
    this.panelSubscriptions.add(panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
    this.panelSubscriptions.add(
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.viewed.fire();
      }),
    );
    this.panelSubscriptions.add(panel.onDidDispose(() => this.detach(panel)));
    panel.webview.html = inspectorHtml(panel.webview, this.extensionUri);
    if (panel.visible) this.viewed.fire();
  }

  private detach(panel: vscode.WebviewPanel): void {
    if (this.panel !== panel) return;
    this.panelSubscriptions.clear();
    this.panel = undefined;
    this.attempts.select(undefined);
    this.ready = false;
    this.queue = [];
    this.stats.queued = 0;
    this.appends.reset();
    this.updates.reset();
  }

  /** Posts now when the page is ready; queues otherwise (the `init` sent on `ready` carries the rows). */
  private post(message: HostMessage): void {
    if (!this.panel) return;
    if (!this.ready) {
      if (message.type === 'append' || message.type === 'update' || message.type === 'clear') return;
      this.queue.push(message);
      this.stats.queued = this.queue.length;
      return;
    }
    this.stats.posted++;
    void this.panel.webview.postMessage(message).then(undefined, (e: unknown) => this.log.debug(`inspector: post failed: ${String(e)}`));
  }

  private receive(message: unknown): void {
    if (!isPageMessage(message)) {
      this.log.debug('inspector: ignored a malformed message from the page');
      return;
    }
    this.pageMessages.fire(message);
    switch (message.type) {
      case 'ready':
        return this.onReady();
      case 'requestDetail': {
        const record = this.feed.get(message.seq);
        this.post(record ? { type: 'detail', record: toDetail(record, this.names) } : { type: 'missing', seq: message.seq });
        return this.attempts.select(record);
      }
      case 'copyBody':
        return void this.withRecord(message.seq, async (r) => {
          // The body as received, byte for byte (a pretty view never changes what is copied).
          await vscode.env.clipboard.writeText(bodyText(r, false));
          this.post({ type: 'replayResult', seq: r.seq, ok: true, message: vscode.l10n.t('Body copied to the clipboard.') });
        });
      case 'copyCurl':
        return void this.withRecord(message.seq, async (r) => {
          // While stopped, aim at where the receiver will listen (a port of 0 is picked at start: say so).
          const settings = readReceiverSettings();
          const url = this.feed.receiver.url ?? `http://${settings.host}:${settings.port || 'PORT'}${r.path}`;
          await vscode.env.clipboard.writeText(buildCurl(r, url));
          this.post({ type: 'replayResult', seq: r.seq, ok: true, message: vscode.l10n.t('curl command copied to the clipboard.') });
        });
      case 'openJson':
        return void this.withRecord(message.seq, async (r) => {
          // As the pane shows it: raw, or pretty-printed token for token (never re-serialized).
          const document = await vscode.workspace.openTextDocument({ language: 'json', content: bodyText(r, message.view === 'pretty') });
          await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
        });
      case 'replay':
        return void this.replay(message.seq);
      case 'openJob':
      case 'openResults':
        // The Jobs feature's command, by id (features never import each other); it reports its own errors.
        return void vscode.commands.executeCommand(message.type === 'openJob' ? COMMANDS.openJob : COMMANDS.openJobResults, { seq: message.seq });
      case 'rendered':
      case 'attemptsRendered':
        return;
    }
  }

  private onReady(): void {
    this.ready = true;
    this.stats.readyCount++;
    this.appends.reset();
    this.updates.reset();
    const pending = this.queue;
    this.queue = [];
    this.stats.queued = 0;
    const rows = this.feed.records().map((r) => toRowSummary(r, this.names));
    this.post({ type: 'init', rows, capacity: this.feed.capacity, receiver: this.receiverState() });
    for (const message of pending) this.post(message);
  }

  private async replay(seq: number): Promise<void> {
    const result = await vscode.commands.executeCommand<{ ok: boolean; status?: number; error?: string } | undefined>(COMMANDS.replayEvent, { seq });
    const message = !result
      ? vscode.l10n.t('Not replayed.')
      : result.ok
        ? vscode.l10n.t('Replayed: your app answered {0}.', result.status ?? 'OK')
        : vscode.l10n.t('Replay failed: {0}.', result.error ?? `HTTP ${result.status}`);
    this.post({ type: 'replayResult', seq, ok: result?.ok === true, message });
  }

  private async withRecord(seq: number, act: (record: ReceivedDelivery) => Promise<void>): Promise<void> {
    const record = this.feed.get(seq);
    if (!record) return this.post({ type: 'missing', seq });
    try {
      await act(record);
    } catch (error) {
      this.log.error(`inspector: ${error instanceof Error ? error.message : String(error)}`);
      this.post({ type: 'replayResult', seq, ok: false, message: vscode.l10n.t('That did not work; see the log.') });
    }
  }

  private receiverState(): ReceiverState {
    const r = this.feed.receiver;
    return { running: r.running, ...(r.url ? { url: r.url } : {}), ...(r.forwardTo ? { forwardTo: r.forwardTo } : {}) };
  }
}

/** Restores the inspector after a window reload. */
export function registerInspectorSerializer(controller: InspectorController): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(WEBVIEWS.inspector, {
    async deserializeWebviewPanel(panel, state: unknown) {
      controller.restore(panel, state);
    },
  });
}
