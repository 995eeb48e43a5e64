/**
 * The receiver's public URL — the address a service on the internet (the Gemini API) delivers to —
 * resolved in order, first found wins:
 *   1. `setting`: the configured public URL;
 *   2. `forwarded`: the editor's forwarded address for the local URL (VS Code's asExternalUri in a
 *      remote window: Codespaces, Remote Tunnels, code-server), when it differs from the local URL
 *      and is not itself loopback or private;
 *   3. `ngrok`: a running ngrok agent's https tunnel to the receiver's port.
 * A base URL (no path, or `/`) gets the receiver's path appended; a URL with a path is used as
 * given (a proxy that maps its own path). Each source runs under a deadline; one that fails, hangs
 * or answers nonsense is skipped with a note, never thrown.
 */
import { sameEndpoint } from '../util/sameEndpoint';
import { checkHttpUrl, HttpUrlProblem, hostScope } from '../util/url';

export type PublicUrlSource = 'setting' | 'forwarded' | 'ngrok';

export interface PublicUrl {
  readonly url: string;
  readonly source: PublicUrlSource;
}

export interface ReceiverUrls {
  /** Where the receiver listens: http://127.0.0.1:PORT/PATH. */
  readonly local: string;
  /** The first public URL found, with where it came from; none: deliveries can come only from this machine (or its network). */
  readonly public?: PublicUrl;
  /** The editor's forwarded address when it differs from `local` (in a remote window: the local URL as the browser reaches it); public or not (code-server on this machine forwards to a loopback address). */
  readonly forwarded?: string;
  /** What is wrong with the public URL setting, when it is set but unusable (then ignored). */
  readonly settingProblem?: HttpUrlProblem;
  /** Why a source gave nothing (for the log). */
  readonly notes: readonly string[];
}

export interface PublicUrlSources {
  readonly localUrl: string;
  /** The configured public URL ('' or undefined: none). */
  readonly setting?: string;
  /** The editor's forwarded address for `localUrl`; absent when the editor runs locally. */
  readonly forwarded?: () => Promise<string | undefined>;
  /** A tunnel's base URL (e.g. https://abc.ngrok.app), or why there is none. */
  readonly ngrok?: () => Promise<{ readonly url: string } | { readonly reason: string }>;
  /** Deadline per source (default 1,500 ms; the ngrok reader has its own, shorter one). */
  readonly timeoutMs?: number;
}

export const PUBLIC_URL_TIMEOUT_MS = 1500;

export async function resolveReceiverUrls(sources: PublicUrlSources): Promise<ReceiverUrls> {
  const local = sources.localUrl;
  const path = new URL(local).pathname;
  const notes: string[] = [];
  const timeoutMs = sources.timeoutMs ?? PUBLIC_URL_TIMEOUT_MS;
  let found: PublicUrl | undefined;
  let forwarded: string | undefined;
  let settingProblem: HttpUrlProblem | undefined;

  const setting = sources.setting?.trim() ?? '';
  if (setting !== '') {
    const check = checkHttpUrl(setting);
    if (check.ok) found = { url: withReceiverPath(check.url.toString(), path), source: 'setting' };
    else {
      settingProblem = check.problem;
      notes.push(`the public URL setting is not an absolute http(s) URL without credentials (${check.problem}): ignored`);
    }
  }

  // Asked even when the setting decided: in a remote window it is the local address as the browser sees it.
  if (sources.forwarded) {
    const answer = await withDeadline(sources.forwarded(), timeoutMs);
    const check = answer.ok && answer.value ? checkHttpUrl(answer.value) : undefined;
    if (!answer.ok) notes.push(`the editor's forwarded address: ${answer.reason}`);
    else if (check?.ok && !sameEndpoint(check.url.toString(), local)) {
      forwarded = check.url.toString();
      if (hostScope(check.url.hostname) === 'public') found ??= { url: forwarded, source: 'forwarded' };
      else notes.push(`the editor's forwarded address ${forwarded} is not public: not used as the public URL`);
    }
  }

  if (!found && sources.ngrok) {
    const answer = await withDeadline(sources.ngrok(), timeoutMs);
    if (!answer.ok) notes.push(`ngrok: ${answer.reason}`);
    else if ('reason' in answer.value) notes.push(`ngrok: ${answer.value.reason}`);
    else found = { url: withReceiverPath(answer.value.url, path), source: 'ngrok' };
  }

  return { local, ...(found ? { public: found } : {}), ...(forwarded ? { forwarded } : {}), ...(settingProblem ? { settingProblem } : {}), notes };
}

/** `base` with the receiver's path when it names none (`https://abc.ngrok.app` → `https://abc.ngrok.app/webhooks`); otherwise as given. */
export function withReceiverPath(base: string, path: string): string {
  const url = new URL(base);
  if (url.pathname === '' || url.pathname === '/') url.pathname = path.startsWith('/') ? path : `/${path}`;
  return url.toString();
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<{ ok: false; reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (value) => ({ ok: true as const, value }),
        (e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
