/**
 * The Webhooks view: pages of webhooks from the live backend, loaded lazily (50 at a time, "Load
 * more"), with progress on the view while loading and an error node with Retry when a call fails.
 * Drives the `geminiWebhooks.ready` / `geminiWebhooks.empty` context keys of the welcome views.
 */
import * as vscode from 'vscode';
import { Webhook } from '../../../core/api';
import { BackendService } from '../backend/backendService';
import { SecretStore } from '../../platform/secretStore';
import { ErrorNode, LoadingNode, LoadMoreNode } from './statusNodes';
import { TreeNode } from './treeNode';
import { WebhookNode } from './webhookNode';
import { CONTEXT_KEYS, VIEWS } from '../../platform/ids';
import { Disposable, toDisposable } from '../../platform/disposable';
import { WebhookDirectory } from '../../platform/webhookDirectory';

export const PAGE_SIZE = 50;

type LoadState = { kind: 'idle' } | { kind: 'loading' } | { kind: 'loaded' } | { kind: 'needsKey' } | { kind: 'error'; message: string };

/** Turns a failure into the short, secret-free message the error node shows. */
export type ErrorMessage = (error: unknown) => string;

export class WebhooksTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private webhooks: Webhook[] = [];
  private nextPageToken: string | undefined;
  private pagesLoaded = 0;
  private state: LoadState = { kind: 'idle' };
  private loadingMore = false;
  private readonly busy = new Set<string>();
  private generation = 0;
  private inFlight: Promise<void> | undefined;
  private controller: AbortController | undefined;

  constructor(
    private readonly backend: BackendService,
    private readonly secrets: SecretStore,
    private readonly errorMessage: ErrorMessage,
    private readonly log: vscode.LogOutputChannel,
    /** Told every list this view loads, so other features can show webhooks by name. */
    private readonly directory?: WebhookDirectory,
  ) {
    super();
    this.register(backend.onDidChange(() => void this.refresh({ resetPages: true })));
    this.register(
      secrets.onDidChange((key) => {
        if (key === 'signingSecrets') this.changed.fire(undefined);
        else if (key === 'apiKey' && this.backend.kind === 'gemini') void this.refresh();
      }),
    );
    this.register(toDisposable(() => this.controller?.abort()));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  getChildren(node?: TreeNode): TreeNode[] | Promise<TreeNode[]> {
    if (node) return node.getChildren();
    switch (this.state.kind) {
      case 'idle':
        void this.refresh();
        return [new LoadingNode()];
      case 'loading':
        return this.webhooks.length ? this.rootNodes() : [new LoadingNode()];
      case 'needsKey':
        return [];
      case 'error':
        return [new ErrorNode(this.state.message)];
      case 'loaded':
        return this.rootNodes();
    }
  }

  private rootNodes(): TreeNode[] {
    const nodes: TreeNode[] = this.webhooks.map((w) => new WebhookNode(w, (id) => this.secrets.getSigningSecrets(id), this.busy.has(w.id)));
    if (this.nextPageToken) nodes.push(new LoadMoreNode(this.loadingMore));
    return nodes;
  }

  /** The webhooks loaded so far, in list order. */
  get loaded(): readonly Webhook[] {
    return this.webhooks;
  }

  get hasMore(): boolean {
    return this.nextPageToken !== undefined;
  }

  /** Where loading stands: `loaded` once the view shows the backend's answer (bench:activation times it). */
  get loadState(): LoadState['kind'] {
    return this.state.kind;
  }

  /** The error node's message, when the last load failed. */
  get errorText(): string | undefined {
    return this.state.kind === 'error' ? this.state.message : undefined;
  }

  /**
   * Reloads from the first page, as many pages as were loaded (so a webhook on a later page stays
   * visible). Resolves when the view shows the result; never rejects (failures become the error node).
   */
  refresh(options: { resetPages?: boolean } = {}): Promise<void> {
    this.controller?.abort();
    const controller = (this.controller = new AbortController());
    const generation = ++this.generation;
    const pages = options.resetPages ? 1 : Math.max(1, this.pagesLoaded);
    this.state = { kind: 'loading' };
    this.changed.fire(undefined);
    const run = (async () => {
      try {
        await this.setContext(false, false);
        if (this.backend.kind === 'gemini' && !(await this.secrets.getApiKey())) {
          if (generation !== this.generation) return;
          this.webhooks = [];
          this.nextPageToken = undefined;
          this.pagesLoaded = 0;
          this.state = { kind: 'needsKey' };
          this.directory?.replace([]);
          return;
        }
        const loaded = await vscode.window.withProgress({ location: { viewId: VIEWS.webhooks } }, async () => {
          const client = await this.backend.client();
          const webhooks: Webhook[] = [];
          let token: string | undefined;
          let count = 0;
          for await (const page of client.pages({ pageSize: PAGE_SIZE, signal: controller.signal })) {
            webhooks.push(...page.webhooks);
            token = page.nextPageToken;
            if (++count >= pages) break;
          }
          return { webhooks, token, count };
        });
        if (generation !== this.generation) return;
        this.webhooks = loaded.webhooks;
        this.nextPageToken = loaded.token;
        this.pagesLoaded = loaded.count;
        this.state = { kind: 'loaded' };
        this.directory?.replace(this.webhooks);
        await this.setContext(true, this.webhooks.length === 0);
      } catch (error) {
        if (generation !== this.generation || controller.signal.aborted) return;
        this.log.warn(`Loading webhooks failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        this.state = { kind: 'error', message: this.errorMessage(error) };
      } finally {
        if (generation === this.generation) this.changed.fire(undefined);
      }
    })();
    this.inFlight = run;
    return run;
  }

  /** Loads the next page and appends it. */
  async loadMore(): Promise<void> {
    if (!this.nextPageToken || this.loadingMore) return;
    const generation = this.generation;
    this.loadingMore = true;
    this.changed.fire(undefined);
    try {
      const client = await this.backend.client();
      const page = await vscode.window.withProgress({ location: { viewId: VIEWS.webhooks } }, () =>
        client.list({ pageSize: PAGE_SIZE, pageToken: this.nextPageToken, signal: this.controller?.signal }),
      );
      if (generation !== this.generation) return;
      const known = new Set(this.webhooks.map((w) => w.id));
      this.webhooks.push(...page.webhooks.filter((w) => !known.has(w.id)));
      this.directory?.upsert(...page.webhooks);
      this.nextPageToken = page.nextPageToken;
      this.pagesLoaded++;
    } finally {
      this.loadingMore = false;
      this.changed.fire(undefined);
    }
  }

  /** Waits for the load under way, if any. */
  async settled(): Promise<void> {
    while (this.inFlight) {
      const current = this.inFlight;
      await current;
      if (current === this.inFlight) break;
    }
  }

  /** Replaces one webhook in place after a change (no reload). */
  upsert(webhook: Webhook): void {
    const i = this.webhooks.findIndex((w) => w.id === webhook.id);
    if (i >= 0) this.webhooks[i] = webhook;
    this.directory?.upsert(webhook);
    this.changed.fire(undefined);
  }

  /** Shows a spinner on a webhook while `work` runs. */
  async withBusy<T>(webhookId: string, work: () => Promise<T>): Promise<T> {
    this.busy.add(webhookId);
    this.changed.fire(undefined);
    try {
      return await work();
    } finally {
      this.busy.delete(webhookId);
      this.changed.fire(undefined);
    }
  }

  private async setContext(ready: boolean, empty: boolean): Promise<void> {
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.ready, ready);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.empty, empty);
  }
}
