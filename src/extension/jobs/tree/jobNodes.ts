/**
 * The Jobs view's rows: a job (kind, state, model; its details and its events as children), a detail
 * line, and an event (a click opens it in the inspector). `contextValue` is `job:<kind>:<phase>` with
 * phase `pending`, `succeeded` (a batch whose results can be opened), `ended` or `gone`.
 */
import * as vscode from 'vscode';
import { JobRef, stateLabel } from '../../../core/jobs';
import type { ReceivedDelivery } from '../../../core/receiver/types';
import { oneLine } from '../../../core/util/text';
import { formatWhen } from '../../../core/util/when';
import { COMMANDS } from '../../platform/ids';
import { KIND_LABELS } from '../jobErrors';
import { TrackedJob, jobKey } from '../jobStore';

/** What job commands receive from a row. */
export interface JobArg {
  readonly ref: JobRef;
}

export type JobsTreeNode = JobNode | JobDetailNode | JobEventNode;

export class JobNode implements JobArg {
  readonly ref: JobRef;

  constructor(
    readonly job: TrackedJob,
    /** The receiver's record of each event, by seq (undefined once the history dropped it). */
    private readonly delivery: (seq: number) => ReceivedDelivery | undefined,
    private readonly liveBackend: string,
  ) {
    this.ref = { kind: job.summary.kind, name: job.summary.name };
  }

  toTreeItem(): vscode.TreeItem {
    const { summary: s, gone } = this.job;
    const item = new vscode.TreeItem(jobTitle(s), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `job:${jobKey(this.ref)}`;
    const state = gone ? vscode.l10n.t('gone') : stateLabel(s);
    const backend =
      this.job.backend !== this.liveBackend ? (this.job.backend === 'emulator' ? vscode.l10n.t('emulator') : vscode.l10n.t('Gemini API')) : undefined;
    item.description = [KIND_LABELS[s.kind], state, s.model?.replace(/^models\//, ''), backend].filter(Boolean).join(' · ');
    item.iconPath = icon(this.job);
    item.contextValue = `job:${s.kind}:${phase(this.job)}`;
    const lines = [
      `${KIND_LABELS[s.kind]} ${s.name}`,
      vscode.l10n.t('state: {0}', state),
      s.model ? vscode.l10n.t('model: {0}', s.model) : undefined,
      s.createTime ? vscode.l10n.t('created: {0}', formatWhen(s.createTime)) : undefined,
      gone ? vscode.l10n.t('not found (404): {0}', gone) : undefined,
      this.job.problem ? vscode.l10n.t('last check failed: {0}', this.job.problem) : undefined,
      this.job.origin === 'editor' ? vscode.l10n.t('started from this editor') : vscode.l10n.t('seen in an event'),
    ];
    item.tooltip = lines.filter(Boolean).join('\n');
    item.accessibilityInformation = { label: `${item.label as string}, ${item.description}` };
    return item;
  }

  children(): Array<JobDetailNode | JobEventNode> {
    const s = this.job.summary;
    const rows: JobDetailNode[] = [];
    const add = (label: string, value: string | undefined, tooltip?: string) =>
      value !== undefined && rows.push(new JobDetailNode(this.ref, label, value, tooltip));
    add(vscode.l10n.t('Name'), s.name);
    add(vscode.l10n.t('State'), this.job.gone ? vscode.l10n.t('gone — not found (404)') : s.state, this.job.gone);
    if (s.error) add(vscode.l10n.t('Error'), oneLine([s.error.status, s.error.message].filter(Boolean).join(': ') || String(s.error.code ?? ''), 200));
    add(vscode.l10n.t('Model'), s.model);
    add(vscode.l10n.t('Created'), s.createTime && formatWhen(s.createTime));
    add(vscode.l10n.t('Updated'), s.updateTime && formatWhen(s.updateTime));
    add(vscode.l10n.t('Ended'), s.endTime && formatWhen(s.endTime));
    if (s.webhookUris && s.webhookUris.length > 0)
      for (const uri of s.webhookUris) add(vscode.l10n.t('Webhook'), uri, vscode.l10n.t('webhook_config.uris: the event goes here'));
    else if (this.job.origin === 'editor') add(vscode.l10n.t('Webhook'), vscode.l10n.t('the registered webhooks (no webhook_config)'));
    if (s.userMetadata) add('user_metadata', oneLine(JSON.stringify(s.userMetadata), 200), JSON.stringify(s.userMetadata, null, 2));
    if (s.output) add(vscode.l10n.t('Output'), outputText(s.output));
    if (this.job.problem) add(vscode.l10n.t('Last check'), this.job.problem);
    const events = this.job.events.map((seq) => new JobEventNode(seq, this.delivery(seq)));
    if (events.length === 0) rows.push(new JobDetailNode(this.ref, vscode.l10n.t('Events'), vscode.l10n.t('none yet')));
    return [...rows, ...events];
  }
}

export class JobDetailNode {
  constructor(
    readonly ref: JobRef,
    readonly label: string,
    readonly value: string,
    readonly tooltip?: string,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = `job:${jobKey(this.ref)}:${this.label}:${this.value}`;
    item.description = this.value;
    item.tooltip = this.tooltip ?? `${this.label}: ${this.value}`;
    // A screen reader reads the tooltip in place of the row: give it the row as shown.
    item.accessibilityInformation = { label: `${this.label}: ${this.value}` };
    item.contextValue = 'jobDetail';
    return item;
  }
}

export class JobEventNode {
  constructor(
    readonly seq: number,
    readonly record: ReceivedDelivery | undefined,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const r = this.record;
    const item = new vscode.TreeItem(r?.eventType ?? vscode.l10n.t('event #{0}', this.seq), vscode.TreeItemCollapsibleState.None);
    item.id = `jobEvent:${this.seq}`;
    item.description = r ? `#${this.seq} · ${formatWhen(r.receivedAt)} · ${r.verdict}` : vscode.l10n.t('#{0} · no longer in the history', this.seq);
    item.iconPath = new vscode.ThemeIcon('mail');
    item.contextValue = 'jobEvent';
    item.tooltip = r ? `#${this.seq} ${r.eventType ?? ''} · ${r.verdict}\n${formatWhen(r.receivedAt)} (${r.receivedAt})` : item.description;
    item.accessibilityInformation = { label: `${item.label as string}, ${item.description}` };
    item.command = { command: COMMANDS.openInspector, title: vscode.l10n.t('Open in Inspector'), arguments: [{ seq: this.seq }] };
    return item;
  }
}

function phase(job: TrackedJob): string {
  if (job.gone) return 'gone';
  const s = job.summary;
  if (s.kind === 'batch' && s.state === 'BATCH_STATE_SUCCEEDED') return 'succeeded';
  return s.ended ? 'ended' : 'pending';
}

function icon(job: TrackedJob): vscode.ThemeIcon {
  if (job.gone) return new vscode.ThemeIcon('question');
  const s = job.summary;
  if (/CANCELLED|cancelled/.test(s.state ?? '')) return new vscode.ThemeIcon('circle-slash');
  if (s.error || /FAILED|EXPIRED|failed/.test(s.state ?? '')) return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  if (s.ended) return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  if (s.state === 'requires_action') return new vscode.ThemeIcon('bell', new vscode.ThemeColor('editorWarning.foreground'));
  return new vscode.ThemeIcon('clock');
}

function outputText(output: NonNullable<TrackedJob['summary']['output']>): string {
  switch (output.kind) {
    case 'file':
      return output.pointer;
    case 'inline':
      return output.count === 1 ? vscode.l10n.t('1 inline response') : vscode.l10n.t('{0} inline responses', output.count);
    case 'video':
      return output.uris.join(', ');
  }
}

/** `batches/abc123` → `abc123`; `models/veo/operations/xyz` → `operations/xyz`. */
/** What a person calls a job: the name it was given (a batch's display name, an interaction's input), else its id without the prefix. */
export function jobTitle(s: { readonly name: string; readonly displayName?: string }): string {
  return s.displayName && s.displayName !== s.name ? s.displayName : shortName(s.name);
}

function shortName(name: string): string {
  return name.replace(/^batches\//, '').replace(/^models\/[^/]+\//, '') || name;
}
