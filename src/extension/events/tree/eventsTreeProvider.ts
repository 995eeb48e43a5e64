/**
 * The Events view: the most recent deliveries, newest first; refreshes at most every 250 ms, and
 * at most once a second during a flood (every refresh re-renders the view's rows in the workbench).
 * (The geminiWebhooks.hasEvents context key for its welcome is kept by the receiver service.)
 */
import * as vscode from 'vscode';
import { EventFeed } from '../eventFeed';
import { EventNode } from './eventNode';
import { Disposable, toDisposable } from '../../platform/disposable';

export const EVENTS_SHOWN = 200;
/** Changes within one refresh interval that count as a flood. */
const FLOOD = 50;

export class EventsTreeProvider extends Disposable implements vscode.TreeDataProvider<EventNode> {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Changes since the last refresh, and how many the last refresh covered. */
  private changes = 0;
  private lastBatch = 0;

  constructor(
    private readonly feed: EventFeed,
    private readonly limit = EVENTS_SHOWN,
  ) {
    super();
    const soon = () => this.scheduleRefresh();
    for (const event of [feed.onDidAppend, feed.onDidUpdate, feed.onDidClear, feed.onDidChangeState]) this.register(event(soon));
    this.register(toDisposable(() => this.timer && clearTimeout(this.timer)));
  }

  /** The nodes shown now (tests read them). */
  nodes(): EventNode[] {
    return this.feed.newest(this.limit).map((r) => new EventNode(r));
  }

  getTreeItem(node: EventNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  getChildren(node?: EventNode): EventNode[] {
    return node ? [] : this.nodes();
  }

  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastBatch = this.changes;
    this.changes = 0;
    this.changed.fire();
  }

  private scheduleRefresh(): void {
    this.changes++;
    this.timer ??= setTimeout(() => this.refresh(), this.lastBatch >= FLOOD ? 1_000 : 250);
  }
}
