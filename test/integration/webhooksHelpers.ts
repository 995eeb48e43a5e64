/** Shared by the webhook integration suites: the API, scripted prompts, tree reading, a loopback receiver. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Webhook, WebhooksClient } from '../../src/core/api';
import type { ExtensionApi } from '../../src/extension/extension';
import { ScriptedAnswer, ScriptedUi } from '../../src/extension/platform/scriptedUi';
import type { TreeNode } from '../../src/extension/webhooks/tree/treeNode';

export const EXTENSION_ID = 'gemini-webhooks-dev.gemini-webhooks';

export async function activateApi(): Promise<ExtensionApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** Installs a ScriptedUi with these answers and returns it (to read what was shown). */
export function script(api: ExtensionApi, ...answers: ScriptedAnswer[]): ScriptedUi {
  const ui = new ScriptedUi().answer(...answers);
  api.ui.current = ui;
  return ui;
}

export const input = (value: string | undefined): ScriptedAnswer => ({ kind: 'input', value });
export const pickLabel = (label: string): ScriptedAnswer => ({
  kind: 'pick',
  choose: (items) => items.find((i) => i.label === label || i.label.includes(label)),
});
export const pickMany = (...labels: string[]): ScriptedAnswer => ({ kind: 'pickMany', choose: (items) => items.filter((i) => labels.includes(i.label)) });
export const confirm = (accept: boolean): ScriptedAnswer => ({ kind: 'confirm', accept });
export const modal = (button: string | undefined): ScriptedAnswer => ({ kind: 'modal', button });

export async function liveClient(api: ExtensionApi): Promise<WebhooksClient> {
  return api.backend.client();
}

export async function allWebhooks(client: WebhooksClient): Promise<Webhook[]> {
  const out: Webhook[] = [];
  for await (const page of client.pages({ pageSize: 200 })) out.push(...page.webhooks);
  return out;
}

/** Root nodes after a fresh load, with their tree items. */
export async function rootItems(api: ExtensionApi): Promise<Array<{ node: TreeNode; item: vscode.TreeItem }>> {
  await api.webhooksTree.settled();
  const nodes = await api.webhooksTree.getChildren();
  return nodes.map((node) => ({ node, item: api.webhooksTree.getTreeItem(node) as vscode.TreeItem }));
}

export async function nodeFor(api: ExtensionApi, webhookId: string): Promise<{ node: TreeNode & { webhook: Webhook }; item: vscode.TreeItem }> {
  await api.webhooksTree.refresh();
  const found = (await rootItems(api)).find((r) => r.item.id === `webhook:${webhookId}`);
  assert.ok(found, `no tree node for ${webhookId}`);
  return found as { node: TreeNode & { webhook: Webhook }; item: vscode.TreeItem };
}

export function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

export function tooltipOf(item: vscode.TreeItem): string {
  return typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
}

/** A receiver on 127.0.0.1:0 that answers 204 and records what arrives. */
export async function startSink(): Promise<{
  url: string;
  received: Array<{ url: string; headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}> {
  const received: Array<{ url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function until(check: () => boolean | Promise<boolean>, what: string, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Every `.log` file under `dir` (the extension's logs: the output channel's file among them). */
export function logFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) logFiles(full, out);
    else if (full.endsWith('.log')) out.push(full);
  }
  return out;
}
