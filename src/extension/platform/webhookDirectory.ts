/**
 * What the shell knows of the project's webhooks — their names and URIs by id — as the Webhooks view
 * last loaded them. The view feeds it; the receiver, the inspector and Trigger Test Event read it, so
 * that wherever a webhook is meant the user sees the name they gave it (the id stays in tooltips and
 * details). A webhook on a page the view has not loaded is not known: its id is shown.
 */
import * as vscode from 'vscode';
import { Disposable } from './disposable';

export interface KnownWebhook {
  readonly id: string;
  readonly name?: string;
  readonly uri: string;
}

export class WebhookDirectory extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when a name or URI changed, or webhooks came or went. */
  readonly onDidChange = this.changed.event;
  private byId = new Map<string, KnownWebhook>();

  /** The whole list as loaded (the first pages): replaces what was known. */
  replace(webhooks: readonly KnownWebhook[]): void {
    const next = new Map(webhooks.map((w) => [w.id, pick(w)]));
    const same = next.size === this.byId.size && [...next].every(([id, w]) => sameWebhook(this.byId.get(id), w));
    this.byId = next;
    if (!same) this.changed.fire();
  }

  /** Webhooks added or changed (another page, an edit). */
  upsert(...webhooks: readonly KnownWebhook[]): void {
    let changed = false;
    for (const w of webhooks) {
      if (sameWebhook(this.byId.get(w.id), w)) continue;
      this.byId.set(w.id, pick(w));
      changed = true;
    }
    if (changed) this.changed.fire();
  }

  get(id: string): KnownWebhook | undefined {
    return this.byId.get(id);
  }

  /** The name the user gave the webhook; undefined when it has none or is not known. */
  name(id: string): string | undefined {
    return this.byId.get(id)?.name || undefined;
  }

  /** How a person reads the webhook: its name, else its id. */
  label(id: string): string {
    return this.name(id) ?? id;
  }

  all(): KnownWebhook[] {
    return [...this.byId.values()];
  }
}

function pick(w: KnownWebhook): KnownWebhook {
  return { id: w.id, uri: w.uri, ...(w.name ? { name: w.name } : {}) };
}

function sameWebhook(a: KnownWebhook | undefined, b: KnownWebhook): boolean {
  return a !== undefined && a.uri === b.uri && (a.name || undefined) === (b.name || undefined);
}
