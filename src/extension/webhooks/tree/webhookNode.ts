/**
 * A webhook in the tree and its children (uri, events, signing secrets, state).
 * Labels, descriptions and tooltips show only what the API shows: truncated secrets, never a full one.
 */
import * as vscode from 'vscode';
import { Webhook } from '../../../core/api';
import { describeEventType } from '../../../core/events/catalog';
import { StoredSigningSecret } from '../../platform/secretStore';
import { localTime } from '../../../core/util/when';
import { InfoNode, TreeNode } from './treeNode';
import { STATE_ICON, WebhookRow, eventCount, matchesTruncated, presentWebhook, relative, stateLabel, webhookLabel } from './webhookPresentation';

export { eventCount, stateLabel, webhookLabel } from './webhookPresentation';

export function stateIcon(state: string | undefined): vscode.ThemeIcon {
  const known = state ? STATE_ICON[state] : undefined;
  return known ? new vscode.ThemeIcon(known.icon, new vscode.ThemeColor(known.color)) : new vscode.ThemeIcon('question');
}

/** Reads the stored (full) secrets of a webhook; supplied by the tree provider. */
export type StoredSecretsLookup = (webhookId: string) => Promise<readonly StoredSigningSecret[]>;

export class WebhookNode extends TreeNode {
  constructor(
    readonly webhook: Webhook,
    private readonly storedSecrets: StoredSecretsLookup,
    /** A command is changing this webhook: show a spinner. */
    readonly busy = false,
  ) {
    super();
  }

  get id(): string {
    return this.webhook.id;
  }

  get label(): string {
    return webhookLabel(this.webhook);
  }

  toTreeItem(): vscode.TreeItem {
    const row = presentWebhook(this.webhook);
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = row.id;
    item.description = row.description;
    item.iconPath = this.busy ? new vscode.ThemeIcon('loading~spin') : stateIcon(this.webhook.state);
    item.contextValue = row.contextValue;
    item.tooltip = tooltipOf(row);
    // Plain words for screen readers: without it the label is the tooltip's markdown source (&nbsp; and all).
    item.accessibilityInformation = { label: `${row.label}, ${row.description}, ${row.tooltipLines.join(', ')}` };
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const w = this.webhook;
    const base = `webhook:${w.id}`;
    return [
      new InfoNode(`${base}:uri`, w.uri, vscode.l10n.t('uri'), new vscode.ThemeIcon('link'), w.uri, 'webhookProperty:uri'),
      new EventsNode(base, w.subscribed_events),
      new SecretsNode(base, w, await this.storedSecrets(w.id)),
      new InfoNode(`${base}:state`, stateLabel(w.state), vscode.l10n.t('state'), stateIcon(w.state), undefined, 'webhookProperty:state'),
    ];
  }
}

function tooltipOf(row: WebhookRow): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**').appendText(row.label).appendMarkdown('**');
  for (const line of row.tooltipLines) md.appendMarkdown('  \n').appendText(line);
  return md;
}

class EventsNode extends TreeNode {
  constructor(
    private readonly base: string,
    private readonly events: readonly string[],
  ) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(
      vscode.l10n.t('Events'),
      this.events.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `${this.base}:events`;
    item.description = eventCount(this.events.length);
    item.iconPath = new vscode.ThemeIcon('symbol-event');
    item.contextValue = 'webhookProperty:events';
    return item;
  }

  override getChildren(): TreeNode[] {
    return this.events.map(
      (type) => new InfoNode(`${this.base}:event:${type}`, type, describeEventType(type).description, new vscode.ThemeIcon('bell'), undefined, 'webhookEvent'),
    );
  }
}

class SecretsNode extends TreeNode {
  constructor(
    private readonly base: string,
    private readonly webhook: Webhook,
    private readonly stored: readonly StoredSigningSecret[],
  ) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const n = this.webhook.signing_secrets?.length ?? 0;
    const item = new vscode.TreeItem(vscode.l10n.t('Signing secrets'), n ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `${this.base}:secrets`;
    item.description = vscode.l10n.t('{0} active', n);
    item.iconPath = new vscode.ThemeIcon('key');
    item.contextValue = 'webhookProperty:secrets';
    return item;
  }

  override getChildren(): TreeNode[] {
    return (this.webhook.signing_secrets ?? []).map((s, i) => {
      const truncated = s.truncated_secret ?? '…';
      const local = this.stored.some((st) => matchesTruncated(s.truncated_secret, st.secret));
      const when = s.expire_time ? vscode.l10n.t('expires {0}', relative(s.expire_time)) : vscode.l10n.t('current');
      const where = local ? vscode.l10n.t('full secret stored locally') : vscode.l10n.t('full secret not stored here');
      const exact = s.expire_time ? ` (${localTime(s.expire_time)})` : '';
      return new InfoNode(
        `${this.base}:secret:${i}:${truncated}`,
        truncated,
        `${when} · ${where}`,
        new vscode.ThemeIcon(local ? 'lock' : 'unlock'),
        `${truncated} — ${when}${exact}; ${where}.`,
        'webhookSecret',
      );
    });
  }
}
