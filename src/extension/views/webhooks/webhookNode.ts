/**
 * A webhook in the tree and its children (uri, events, signing secrets, state).
 * Labels, descriptions and tooltips show only what the API shows: truncated secrets, never a full one.
 */
import * as vscode from 'vscode';
import { Webhook } from '../../../core/api';
import { describeEventType } from '../../../core/events/catalog';
import { StoredSigningSecret } from '../../secrets/secretStore';
import { InfoNode, TreeNode } from './treeNode';

const STATE_LABEL: Record<string, string> = {
  enabled: 'enabled',
  disabled: 'disabled',
  disabled_due_to_failed_deliveries: 'disabled (failed deliveries)',
};

export function stateIcon(state: string | undefined): vscode.ThemeIcon {
  switch (state) {
    case 'enabled':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'disabled':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
    case 'disabled_due_to_failed_deliveries':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    default:
      return new vscode.ThemeIcon('question');
  }
}

export function stateLabel(state: string | undefined): string {
  return state ? (STATE_LABEL[state] ?? state) : 'unknown state';
}

export function webhookLabel(webhook: Pick<Webhook, 'id' | 'name'>): string {
  return webhook.name || webhook.id;
}

export function eventCount(n: number): string {
  return `${n} event${n === 1 ? '' : 's'}`;
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
    const w = this.webhook;
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `webhook:${w.id}`;
    item.description = `${stateLabel(w.state)} · ${eventCount(w.subscribed_events.length)}`;
    item.iconPath = this.busy ? new vscode.ThemeIcon('loading~spin') : stateIcon(w.state);
    item.contextValue = `webhook:${w.state ?? 'unknown'}`;
    item.tooltip = tooltipOf(w);
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const w = this.webhook;
    const base = `webhook:${w.id}`;
    return [
      new InfoNode(`${base}:uri`, w.uri, 'uri', new vscode.ThemeIcon('link'), w.uri, 'webhookProperty:uri'),
      new EventsNode(base, w.subscribed_events),
      new SecretsNode(base, w, await this.storedSecrets(w.id)),
      new InfoNode(`${base}:state`, stateLabel(w.state), 'state', stateIcon(w.state), undefined, 'webhookProperty:state'),
    ];
  }
}

function tooltipOf(w: Webhook): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**').appendText(webhookLabel(w)).appendMarkdown('**  \n');
  md.appendText(`id: ${w.id}`).appendMarkdown('  \n');
  md.appendText(`uri: ${w.uri}`).appendMarkdown('  \n');
  md.appendText(`state: ${stateLabel(w.state)}`).appendMarkdown('  \n');
  md.appendText(`events: ${w.subscribed_events.join(', ') || 'none'}`).appendMarkdown('  \n');
  if (w.create_time) md.appendText(`created: ${w.create_time}`).appendMarkdown('  \n');
  if (w.update_time) md.appendText(`updated: ${w.update_time}`);
  return md;
}

class EventsNode extends TreeNode {
  constructor(private readonly base: string, private readonly events: readonly string[]) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Events', this.events.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `${this.base}:events`;
    item.description = eventCount(this.events.length);
    item.iconPath = new vscode.ThemeIcon('symbol-event');
    item.contextValue = 'webhookProperty:events';
    return item;
  }

  override getChildren(): TreeNode[] {
    return this.events.map((type) => new InfoNode(`${this.base}:event:${type}`, type, describeEventType(type).description, new vscode.ThemeIcon('bell'), undefined, 'webhookEvent'));
  }
}

class SecretsNode extends TreeNode {
  constructor(private readonly base: string, private readonly webhook: Webhook, private readonly stored: readonly StoredSigningSecret[]) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const n = this.webhook.signing_secrets?.length ?? 0;
    const item = new vscode.TreeItem('Signing secrets', n ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `${this.base}:secrets`;
    item.description = `${n} active`;
    item.iconPath = new vscode.ThemeIcon('key');
    item.contextValue = 'webhookProperty:secrets';
    return item;
  }

  override getChildren(): TreeNode[] {
    return (this.webhook.signing_secrets ?? []).map((s, i) => {
      const truncated = s.truncated_secret ?? '…';
      const prefix = truncated.replace(/…$|\.\.\.$/, '');
      const local = prefix.length >= 6 && this.stored.some((st) => st.secret.startsWith(prefix));
      const when = s.expire_time ? `expires ${relative(s.expire_time)}` : 'current';
      const where = local ? 'full secret stored locally' : 'full secret not stored here';
      const exact = s.expire_time ? ` (${s.expire_time})` : '';
      return new InfoNode(`${this.base}:secret:${i}:${truncated}`, truncated, `${when} · ${where}`, new vscode.ThemeIcon(local ? 'lock' : 'unlock'), `${truncated} — ${when}${exact}; ${where}.`, 'webhookSecret');
    });
  }
}

/** "in 23 h", "in 5 min", "now" — for an ISO time. */
export function relative(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return iso;
  if (ms <= 0) return 'now';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `in ${Math.max(1, minutes)} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `in ${hours} h` : `in ${Math.round(hours / 24)} days`;
}
