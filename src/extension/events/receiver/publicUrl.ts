/**
 * The receiver's public URL in the editor: the core's resolution order (src/core/tunnel/publicUrl.ts)
 * fed with the setting, VS Code's forwarded address (asExternalUri, asked only when the editor runs
 * remotely: a remote extension host or the web UI) and a running ngrok agent's tunnel. Resolved when
 * the receiver starts, when the setting changes and whenever a command asks; the latest answer is
 * kept for what must read it synchronously: the JWT audiences and the status bar.
 *
 * The ngrok agent's API is http://127.0.0.1:4040 unless GEMINI_WEBHOOKS_NGROK_API names another
 * loopback address (an agent with another `web_addr`; the integration tests' stand-in agent). An
 * environment variable, not a setting: it is read per lookup, so a test in the extension host can
 * point it at its own server, and no workspace's settings can send the lookup anywhere.
 */
import * as vscode from 'vscode';
import { findNgrokTunnel } from '../../../core/tunnel/ngrok';
import { resolveReceiverUrls, ReceiverUrls, withReceiverPath } from '../../../core/tunnel/publicUrl';
import { checkHttpUrl } from '../../../core/util/url';
import { safeUrl } from '../../../core/util/redact';
import { Disposable } from '../../platform/disposable';
import { SETTINGS } from '../../platform/ids';
import { readPublicUrlSetting } from './receiverSettings';

export const NGROK_API_ENV = 'GEMINI_WEBHOOKS_NGROK_API';

/** What the resolver needs of the receiver service. */
export interface ReceiverAddress {
  readonly url: string | undefined;
  readonly onDidChangeState: vscode.Event<unknown>;
}

export class ReceiverPublicUrl extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** The latest resolution changed (a public URL appeared, moved or went away). */
  readonly onDidChange = this.changed.event;
  private current: ReceiverUrls | undefined;
  private pending: { readonly local: string; readonly promise: Promise<ReceiverUrls> } | undefined;
  private lastNotes = '';

  constructor(
    private readonly receiver: ReceiverAddress,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(
      receiver.onDidChangeState(() => {
        if (!receiver.url) this.clear();
        else if (receiver.url !== this.current?.local) void this.resolve();
      }),
    );
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTINGS.receiverPublicUrl) && void this.resolve()));
  }

  /** The latest resolution while the receiver runs (undefined before the first one finished). */
  get latest(): ReceiverUrls | undefined {
    return this.current;
  }

  /**
   * The URLs a token may be addressed to besides the local ones: the setting's (read now) and the
   * latest public and forwarded addresses. Synchronous: the verifier asks per token.
   */
  audiences(): string[] {
    const local = this.receiver.url;
    if (!local) return [];
    const setting = readPublicUrlSetting();
    const check = setting ? checkHttpUrl(setting) : undefined;
    const fromSetting = check?.ok ? withReceiverPath(check.url.toString(), new URL(local).pathname) : undefined;
    const latest = this.current?.local === local ? this.current : undefined;
    return [...new Set([fromSetting, latest?.public?.url, latest?.forwarded].filter((u): u is string => u !== undefined))];
  }

  /** Resolves now (one lookup at a time per local URL); undefined while the receiver is stopped. Never throws, never waits long. */
  async resolve(): Promise<ReceiverUrls | undefined> {
    const local = this.receiver.url;
    if (!local) return undefined;
    if (this.pending?.local === local) return this.pending.promise;
    const promise = this.lookup(local);
    this.pending = { local, promise };
    try {
      const urls = await promise;
      // The receiver may have stopped or moved meanwhile.
      if (this.receiver.url !== local) return this.receiver.url ? this.resolve() : undefined;
      const before = this.current;
      this.current = urls;
      if (before?.public?.url !== urls.public?.url || before?.forwarded !== urls.forwarded || before?.local !== urls.local) {
        this.log.info(
          urls.public
            ? `Receiver public URL: ${safeUrl(urls.public.url)} (${urls.public.source}).`
            : `The receiver has no public URL (set ${SETTINGS.receiverPublicUrl}, or start a tunnel: ngrok http ${new URL(local).port}).`,
        );
        this.changed.fire();
      }
      const notes = urls.notes.join('; ');
      if (notes && notes !== this.lastNotes) this.log.debug(`Public URL lookup: ${notes}`);
      this.lastNotes = notes;
      return urls;
    } finally {
      if (this.pending?.promise === promise) this.pending = undefined;
    }
  }

  private lookup(local: string): Promise<ReceiverUrls> {
    const { hostname, port } = new URL(local);
    const remote = vscode.env.remoteName !== undefined || vscode.env.uiKind === vscode.UIKind.Web;
    return resolveReceiverUrls({
      localUrl: local,
      setting: readPublicUrlSetting(),
      ...(remote ? { forwarded: async () => (await vscode.env.asExternalUri(vscode.Uri.parse(local))).toString(true) } : {}),
      ngrok: async () => {
        const found = await findNgrokTunnel({ port: Number(port) || 80, host: hostname, apiBase: process.env[NGROK_API_ENV]?.trim() || undefined });
        return found.ok ? { url: found.url } : { reason: found.reason };
      },
    });
  }

  private clear(): void {
    if (!this.current) return;
    this.current = undefined;
    this.changed.fire();
  }
}
