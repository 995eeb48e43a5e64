/**
 * The scorecard's host: one webview panel (`geminiWebhooks.scorecard`) showing the last probe run.
 * Messages wait until the page says `ready`; Re-run runs the same checks again (the feature's
 * callback), Copy as JSON puts the report — `{ url, passed, failed, checks }` — on the clipboard.
 */
import * as vscode from 'vscode';
import { probeJson } from '../../../core/probe/format';
import type { ProbeReport } from '../../../core/probe/types';
import { HostMessage, isPageMessage, PageMessage, ProbeTarget } from '../../../webview/scorecard/protocol';
import { Disposable, DisposableStore, toDisposable } from '../../platform/disposable';
import { WEBVIEWS } from '../../platform/ids';
import type { Clipboard } from '../../platform/userInterface';
import { localResourceRoots } from '../../platform/webviewHtml';
import { scorecardHtml } from './scorecardHtml';

export interface ScorecardRun {
  readonly report: ProbeReport;
  readonly target: ProbeTarget;
}

export class ScorecardPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly panelSubscriptions = this.register(new DisposableStore());
  private ready = false;
  private queue: HostMessage[] = [];
  private readonly messages = this.register(new vscode.EventEmitter<PageMessage>());
  /** Every valid message from the page (tests wait on `rendered`). */
  readonly onDidReceiveMessage = this.messages.event;
  /** The run on show, for Re-run and Copy as JSON. */
  last: ScorecardRun | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly clipboard: Clipboard,
    private readonly log: vscode.LogOutputChannel,
    /** Runs the last checks again (the panel shows progress through `running`). */
    private readonly rerun: () => Promise<void>,
  ) {
    super();
    this.register(toDisposable(() => this.panel?.dispose()));
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens (or reveals) the panel with this run. */
  show(run: ScorecardRun): void {
    this.last = run;
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(WEBVIEWS.scorecard, vscode.l10n.t('Handler Scorecard'), vscode.ViewColumn.Active, {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: localResourceRoots(this.extensionUri),
      });
      this.attach(panel);
    } else {
      this.panel.reveal(undefined, false);
    }
    this.post({ type: 'show', report: run.report, target: run.target });
  }

  progress(done: number, total: number): void {
    this.post({ type: 'running', done, total });
  }

  status(message: string, error = false): void {
    this.post({ type: 'status', message, error });
  }

  close(): void {
    this.panel?.dispose();
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.queue = [];
    this.panelSubscriptions.clear();
    this.panelSubscriptions.add(panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
    this.panelSubscriptions.add(
      panel.onDidDispose(() => {
        if (this.panel !== panel) return;
        this.panelSubscriptions.clear();
        this.panel = undefined;
        this.ready = false;
        this.queue = [];
      }),
    );
    panel.webview.html = scorecardHtml(panel.webview, this.extensionUri);
  }

  private post(message: HostMessage): void {
    if (!this.panel) return;
    if (!this.ready) {
      // Only the latest report matters once the page is up.
      if (message.type === 'show') this.queue = this.queue.filter((m) => m.type !== 'show');
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message).then(undefined, (e: unknown) => this.log.debug(`scorecard: post failed: ${String(e)}`));
  }

  private receive(message: unknown): void {
    if (!isPageMessage(message)) {
      this.log.debug('scorecard: ignored a malformed message from the page');
      return;
    }
    this.messages.fire(message);
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const pending = this.last && !this.queue.some((m) => m.type === 'show') ? [{ type: 'show' as const, ...this.last }, ...this.queue] : this.queue;
        this.queue = [];
        for (const m of pending) this.post(m);
        return;
      }
      case 'rerun':
        void this.rerun();
        return;
      case 'copyJson': {
        const run = this.last;
        if (!run) return;
        void Promise.resolve(this.clipboard.writeText(JSON.stringify(probeJson(run.report), null, 2))).then(
          () => this.status(vscode.l10n.t('Report copied to the clipboard as JSON.')),
          (e: unknown) => this.status(vscode.l10n.t('Could not copy: {0}', String(e)), true),
        );
        return;
      }
      case 'rendered':
        return;
    }
  }
}
