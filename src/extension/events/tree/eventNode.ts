/** One delivery in the Events view: label = event type, description = time + verdict (+ a rehearsed answer), icon by verdict. */
import * as vscode from 'vscode';
import { describeRehearsal, isRehearsedFailure } from '../../../core/receiver/failurePlan';
import type { ReceivedDelivery } from '../../../core/receiver/types';
import { COMMANDS } from '../../platform/ids';

const ICONS: Record<ReceivedDelivery['verdict'], vscode.ThemeIcon> = {
  verified: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  duplicate: new vscode.ThemeIcon('copy', new vscode.ThemeColor('editorWarning.foreground')),
  rejected: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
};
/** A verified delivery the receiver failed on purpose (a failure rehearsal): not a success for the sender. */
const REHEARSED_FAILURE = new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('problemsWarningIcon.foreground'));

/** What commands on an event node receive (`replayEvent`, `openInspector`). */
export interface EventNodeArg {
  readonly seq: number;
}

export class EventNode implements EventNodeArg {
  readonly seq: number;

  constructor(readonly record: ReceivedDelivery) {
    this.seq = record.seq;
  }

  toTreeItem(): vscode.TreeItem {
    const r = this.record;
    const item = new vscode.TreeItem(
      r.eventType ?? (r.verdict === 'rejected' ? vscode.l10n.t('(rejected)') : vscode.l10n.t('(no event type)')),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = `event:${r.seq}`;
    // A failure rehearsal's answer: "rehearsed 500", "rehearsed: no answer".
    const rehearsed = r.rehearsal
      ? r.rehearsal.kind === 'timeout'
        ? vscode.l10n.t('rehearsed: no answer')
        : vscode.l10n.t('rehearsed {0}', r.rehearsal.status ?? r.httpStatus)
      : undefined;
    item.description = `${timeOf(r.receivedAt)} · ${r.verdict}${r.imported ? ` · ${vscode.l10n.t('imported')}` : ''}${rehearsed ? ` · ${rehearsed}` : ''}`;
    item.iconPath = isRehearsedFailure(r) ? REHEARSED_FAILURE : ICONS[r.verdict];
    item.contextValue = `event:${r.verdict}`;
    const tooltip = [
      `#${r.seq} ${r.verdict}`,
      r.webhookId ? `webhook-id: ${r.webhookId}` : undefined,
      r.reason ? vscode.l10n.t('reason: {0}', r.reason) : undefined,
      r.rehearsal ? describeRehearsal(r.rehearsal) : undefined,
      r.imported ? vscode.l10n.t('imported from {0}', r.imported.from) : undefined,
      r.receivedAt,
    ]
      .filter(Boolean)
      .join('\n');
    item.tooltip = tooltip;
    item.accessibilityInformation = {
      label: `${item.label as string}, ${r.verdict}, #${r.seq}${r.webhookId ? `, ${r.webhookId}` : ''}${r.reason ? `, ${r.reason}` : ''}${r.rehearsal ? `, ${describeRehearsal(r.rehearsal)}` : ''}`,
    };
    item.command = { command: COMMANDS.openInspector, title: vscode.l10n.t('Open in Inspector'), arguments: [{ seq: r.seq } satisfies EventNodeArg] };
    return item;
  }
}

/** The fields of toLocaleTimeString(undefined, { hour12: false }), with one formatter instead of one per call (each refresh formats 200 rows). */
let timeFormat: Intl.DateTimeFormat | undefined;

function timeOf(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  timeFormat ??= new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric', hour12: false });
  return timeFormat.format(date);
}
