/**
 * The Jobs view: the tracked jobs, newest first, each with its details and events as children.
 * Redraws when the store changes (coalesced over 100 ms); keeps `geminiWebhooks.hasJobs` for the
 * view's welcome. Nothing here polls: rows change when their events arrive or a command reads them.
 */
import * as vscode from 'vscode';
import type { ReceivedDelivery } from '../../../core/receiver/types';
import { Disposable, toDisposable } from '../../platform/disposable';
import { CONTEXT_KEYS } from '../../platform/ids';
import { JobStore } from '../jobStore';
import { JobNode, JobsTreeNode } from './jobNodes';

export class JobsTreeProvider extends Disposable implements vscode.TreeDataProvider<JobsTreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private hasJobs: boolean | undefined;

  constructor(
    private readonly jobs: JobStore,
    private readonly delivery: (seq: number) => ReceivedDelivery | undefined,
    private readonly liveBackend: () => string,
  ) {
    super();
    this.register(jobs.onDidChange(() => this.scheduleRefresh()));
    this.register(toDisposable(() => this.timer && clearTimeout(this.timer)));
    this.updateContext();
  }

  /** The job rows shown now (tests read them). */
  nodes(): JobNode[] {
    return this.jobs.list().map((job) => new JobNode(job, this.delivery, this.liveBackend()));
  }

  getTreeItem(node: JobsTreeNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  getChildren(node?: JobsTreeNode): JobsTreeNode[] {
    if (!node) return this.nodes();
    return node instanceof JobNode ? node.children() : [];
  }

  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.updateContext();
    this.changed.fire();
  }

  private scheduleRefresh(): void {
    this.timer ??= setTimeout(() => this.refresh(), 100);
  }

  private updateContext(): void {
    const has = this.jobs.list().length > 0;
    if (has === this.hasJobs) return;
    this.hasJobs = has;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasJobs, has);
  }
}
