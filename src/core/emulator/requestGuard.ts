/**
 * Keeps web pages from driving the emulator (DNS rebinding, cross-site requests): only loopback
 * `Host` values (plus the configured host when it is not loopback), and no `Origin` other than a
 * loopback one. Browsers always send `Host`, and send `Origin` on cross-origin and non-GET requests.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** `name[:port]`, where name is a bracketed IPv6 literal or has no colon. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[^:[\]/\s]+)(?::\d{1,5})?$/i;

export function isLoopbackName(name: string): boolean {
  return LOOPBACK_NAMES.has(name.toLowerCase());
}

/** The host names accepted in `Host`: the loopback ones, plus `configuredHost` (the listen address). */
export function allowedHostNames(configuredHost: string | undefined): ReadonlySet<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (configuredHost) names.add((configuredHost.includes(':') && !configuredHost.startsWith('[') ? `[${configuredHost}]` : configuredHost).toLowerCase());
  return names;
}

/** Throws the 403 envelope when `Host` or `Origin` is not acceptable. */
export function checkHostAndOrigin(req: IncomingMessage, allowedHosts: ReadonlySet<string>): void {
  const host = req.headers.host;
  const match = typeof host === 'string' ? HOST_HEADER.exec(host.trim()) : null;
  if (!match || !allowedHosts.has(match[1].toLowerCase())) {
    const shown = typeof host === 'string' ? `'${host.slice(0, 100)}'` : '(none)';
    throw new ApiError(
      403,
      'PERMISSION_DENIED',
      `Host header ${shown} is not allowed: the emulator answers only requests addressed to 127.0.0.1, localhost or [::1] (or its --host).`,
    );
  }
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (!isLoopbackOrigin(origin)) {
    throw new ApiError(
      403,
      'PERMISSION_DENIED',
      `Origin '${String(origin).slice(0, 100)}' is not allowed: the emulator does not answer requests from web pages that are not on loopback.`,
    );
  }
}

function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackName(url.hostname);
}
