/**
 * The receiver's status bar item: "$(circle-slash) Webhooks receiver off" (click: start) or
 * "$(radio-tower) :PORT" with the count of events that arrived since the inspector was last seen
 * (click: open the inspector); warning background while the latest deliveries are rejections.
 */
import * as vscode from 'vscode';
import { EventFeed } from '../eventFeed';
import { Disposable, toDisposable } from '../../platform/disposable';
import { COMMANDS, STATUS_BAR_ITEMS } from '../../platform/ids';
import { publicUrlSourceLabel } from '../../platform/publicUrlSource';
import type { ReceiverPublicUrl } from './publicUrl';

export class ReceiverStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem(STATUS_BAR_ITEMS.receiver, vscode.StatusBarAlignment.Left, 49));
  private unseen = 0;
  /** How many of the latest deliveries in a row were rejected (warning while > 0). */
  private rejectedStreak = 0;
  /** Updates are coalesced (≤ 4/s): every property set is a message to the workbench. */
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly feed: EventFeed,
    onInspectorViewed: vscode.Event<void>,
    private readonly inspectorVisible: () => boolean,
    /** Its latest answer is shown in the tooltip. */
    private readonly publicUrl?: Pick<ReceiverPublicUrl, 'latest' | 'onDidChange'>,
  ) {
    super();
    this.item.name = vscode.l10n.t('Gemini Webhooks receiver');
    // Imported captures say nothing about what the receiver is getting now.
    const newest = feed.newest(feed.capacity).filter((r) => !r.imported);
    const firstAccepted = newest.findIndex((r) => r.verdict !== 'rejected');
    this.rejectedStreak = firstAccepted < 0 ? newest.length : firstAccepted;
    this.register(toDisposable(() => this.pending && clearTimeout(this.pending)));
    this.register(
      feed.onDidAppend((r) => {
        if (r.imported) return;
        if (!this.inspectorVisible()) this.unseen++;
        this.rejectedStreak = r.verdict === 'rejected' ? this.rejectedStreak + 1 : 0;
        this.pending ??= setTimeout(() => this.update(), 250);
      }),
    );
    this.register(
      feed.onDidClear(() => {
        this.unseen = 0;
        this.rejectedStreak = 0;
        this.update();
      }),
    );
    this.register(feed.onDidChangeState(() => this.update()));
    this.register(onInspectorViewed(() => this.markSeen()));
    if (publicUrl) this.register(publicUrl.onDidChange(() => this.update()));
    this.update();
    this.item.show();
  }

  /** What the item shows now (tests read them). */
  get text(): string {
    return this.item.text;
  }

  /** The tooltip's words (as read aloud). */
  get tooltipText(): string {
    return this.item.accessibilityInformation?.label ?? '';
  }

  get warning(): boolean {
    return this.item.backgroundColor !== undefined;
  }

  get unseenCount(): number {
    return this.unseen;
  }

  markSeen(): void {
    this.unseen = 0;
    this.update();
  }

  private update(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    const receiver = this.feed.receiver;
    if (!receiver.running) {
      this.item.text = `$(circle-slash) ${vscode.l10n.t('Webhooks receiver off')}`;
      this.item.tooltip = vscode.l10n.t('The local webhook receiver is not running. Click to start it.');
      this.item.accessibilityInformation = { label: vscode.l10n.t('Webhooks receiver off. Click to start it.') };
      this.item.command = COMMANDS.startReceiver;
      this.item.backgroundColor = undefined;
      return;
    }
    const rejected = this.rejectedStreak > 0;
    this.item.text = `$(radio-tower) :${receiver.port ?? ''}${this.unseen > 0 ? ` $(bell-dot) ${this.unseen}` : ''}`;
    const publicUrl = this.publicUrl?.latest?.public;
    const lines = [
      vscode.l10n.t('Receiving webhooks at {0}', receiver.url ?? ''),
      ...(publicUrl ? [vscode.l10n.t('Public URL: {0} ({1})', publicUrl.url, publicUrlSourceLabel(publicUrl.source))] : []),
      this.unseen === 1
        ? vscode.l10n.t('1 new event since the inspector was last viewed.')
        : vscode.l10n.t('{0} new events since the inspector was last viewed.', this.unseen),
      ...(rejected
        ? [
            this.rejectedStreak === 1
              ? vscode.l10n.t('The latest delivery was rejected: open the inspector to see why.')
              : vscode.l10n.t('The latest {0} deliveries were rejected: open the inspector to see why.', this.rejectedStreak),
          ]
        : []),
    ];
    const tooltip = new vscode.MarkdownString(undefined, false);
    lines.forEach((line, i) => (i === 0 ? tooltip : tooltip.appendMarkdown('  \n')).appendText(line));
    this.item.tooltip = tooltip;
    // The workbench reads a markdown tooltip's source aloud (appendText writes spaces as &nbsp;): give it plain words.
    this.item.accessibilityInformation = { label: lines.join(' ') };
    this.item.command = COMMANDS.openInspector;
    this.item.backgroundColor = rejected ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}
