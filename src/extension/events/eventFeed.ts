/**
 * The one stream of deliveries the inspector, the Events view and the status bar read: it follows
 * the receiver's current history (re-subscribing when the receiver starts, stops or swaps it) and
 * re-emits appends, updates and clears as VS Code events.
 */
import * as vscode from 'vscode';
import type { History } from '../../core/receiver/history';
import type { ReceivedDelivery, ForwardResult } from '../../core/receiver/types';
import { Disposable, DisposableStore } from '../platform/disposable';

/** What the inspector features need from the receiver service (the receiver engineer's ReceiverService). */
export interface ReceiverAccess {
  readonly running: boolean;
  /** http://host:port/path while running. */
  readonly url: string | undefined;
  readonly port: number | undefined;
  /** The history deliveries are recorded in (kept while the receiver is stopped, when the service keeps it). */
  readonly history: History | undefined;
  /** Fires when the receiver starts or stops (or replaces its history). */
  readonly onDidChangeState: vscode.Event<unknown>;
  start(): Promise<unknown>;
  replay(seq: number): Promise<ForwardResult>;
  /** The forward-to URL replays go to; undefined when none is configured. */
  readonly forwardTo: string | undefined;
}

export class EventFeed extends Disposable {
  private readonly appended = this.register(new vscode.EventEmitter<ReceivedDelivery>());
  private readonly updated = this.register(new vscode.EventEmitter<ReceivedDelivery>());
  private readonly cleared = this.register(new vscode.EventEmitter<void>());
  private readonly stateChanged = this.register(new vscode.EventEmitter<void>());
  readonly onDidAppend = this.appended.event;
  readonly onDidUpdate = this.updated.event;
  readonly onDidClear = this.cleared.event;
  /** Receiver started/stopped; the history may have been replaced (readers reload everything). */
  readonly onDidChangeState = this.stateChanged.event;
  private history: History | undefined;
  private readonly historySubscriptions = this.register(new DisposableStore());

  constructor(readonly receiver: ReceiverAccess) {
    super();
    this.follow();
    this.register(
      receiver.onDidChangeState(() => {
        this.follow();
        this.stateChanged.fire();
      }),
    );
  }

  /** Oldest first. */
  records(): ReceivedDelivery[] {
    return this.history?.all() ?? [];
  }

  /** The newest `n`, newest first. */
  newest(n: number): ReceivedDelivery[] {
    const all = this.records();
    return all.slice(Math.max(0, all.length - n)).reverse();
  }

  get(seq: number): ReceivedDelivery | undefined {
    return this.history?.get(seq);
  }

  get count(): number {
    return this.history?.count ?? 0;
  }

  get capacity(): number {
    return this.history?.size ?? 1_000;
  }

  async clear(): Promise<void> {
    await this.history?.clear();
  }

  private follow(): void {
    const next = this.receiver.history;
    if (next === this.history) return;
    this.historySubscriptions.clear();
    this.history = next;
    if (!next) return;
    this.historySubscriptions.add(next.onDidAppend((r) => this.appended.fire(r)));
    this.historySubscriptions.add(next.onDidUpdate((r) => this.updated.fire(r)));
    this.historySubscriptions.add(next.onDidClear(() => this.cleared.fire()));
  }
}
