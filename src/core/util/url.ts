/**
 * URLs, judged once for every front end. hostScope() below tells who can reach a host (loopback,
 * private, public): Create Webhook on the real API and the public-URL lookup ask it.
 *
 * The one test of "an absolute http(s) URL" every front end applies: the CLI's URL flags
 * (`--forward-to`, `--jwks-uri`), the Create/Edit Webhook prompt and the emulator's `uri` fields.
 * Parsed with `new URL` (WHATWG, as undici and Node will read it), never matched by a pattern, and
 * a host is required. Answers what is wrong as a code, so each front end words it (and the editor
 * localises it).
 */

export type HttpUrlProblem = 'empty' | 'not_absolute' | 'not_http' | 'no_host' | 'credentials';

export type HttpUrlCheck = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly problem: HttpUrlProblem };

export interface HttpUrlOptions {
  /** `https://user:pass@host/`: allowed for a key set or an app behind basic auth; never in a webhook uri. Default false. */
  readonly allowCredentials?: boolean;
}

export function checkHttpUrl(text: string, options: HttpUrlOptions = {}): HttpUrlCheck {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'empty' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, problem: 'not_absolute' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, problem: 'not_http' };
  if (url.hostname === '') return { ok: false, problem: 'no_host' };
  if (!options.allowCredentials && (url.username !== '' || url.password !== '')) return { ok: false, problem: 'credentials' };
  return { ok: true, url };
}

/** The problem in English (the CLI and the emulator; the editor has its own localised words). */
export function describeHttpUrlProblem(problem: HttpUrlProblem): string {
  switch (problem) {
    case 'empty':
      return 'it is empty';
    case 'not_absolute':
      return 'it is not an absolute URL (e.g. https://example.com/webhooks)';
    case 'not_http':
      return 'the scheme must be http or https';
    case 'no_host':
      return 'it names no host';
    case 'credentials':
      return 'credentials in the URL are not allowed';
  }
}

/**
 * Who can reach a host: `loopback` (this machine only: 127/8, ::1, 0.0.0.0, `localhost` and
 * `*.localhost`), `private` (a local network: 10/8, 172.16/12, 192.168/16, link-local 169.254/16 and
 * fe80::/10, unique-local fc00::/7, shared 100.64/10 (carrier NAT, Tailscale), a name with no dot,
 * `*.local`, `*.lan`, `*.internal`, `*.home.arpa`, `*.localdomain`) or `public`. A service on the
 * internet (the Gemini API) can deliver only to `public`. The host is a URL's `hostname` (IPv6 in
 * brackets or not); names are not resolved.
 */
export type HostScope = 'loopback' | 'private' | 'public';

const PRIVATE_SUFFIXES = ['.local', '.lan', '.internal', '.home.arpa', '.localdomain'];

export function hostScope(hostname: string): HostScope {
  const host = hostname
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (host === '' || host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  const v4 = ipv4Octets(host);
  if (v4) return ipv4Scope(v4);
  if (host.includes(':')) {
    const bytes = ipv6Bytes(host);
    return bytes ? ipv6Scope(bytes) : 'private';
  }
  if (!host.includes('.') || PRIVATE_SUFFIXES.some((s) => host.endsWith(s))) return 'private';
  return 'public';
}

/** The scope of a URL's host; undefined when the text is not an absolute http(s) URL. */
export function urlHostScope(text: string): HostScope | undefined {
  const check = checkHttpUrl(text, { allowCredentials: true });
  return check.ok ? hostScope(check.url.hostname) : undefined;
}

function ipv4Octets(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

function ipv4Scope([a, b]: number[]): HostScope {
  if (a === 127 || a === 0) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127))
    return 'private';
  return 'public';
}

function ipv6Scope(bytes: number[]): HostScope {
  const zeroUpTo = (n: number) => bytes.slice(0, n).every((b) => b === 0);
  if (zeroUpTo(15) && (bytes[15] === 1 || bytes[15] === 0)) return 'loopback'; // ::1, ::
  // IPv4-mapped ::ffff:a.b.c.d: the IPv4 address decides.
  if (zeroUpTo(10) && bytes[10] === 0xff && bytes[11] === 0xff) return ipv4Scope(bytes.slice(12));
  if ((bytes[0] & 0xfe) === 0xfc) return 'private'; // fc00::/7
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) return 'private'; // fe80::/10
  return 'public';
}

/** The 16 bytes of an IPv6 address (with `::` and a trailing dotted IPv4 part); undefined when it is not one. */
function ipv6Bytes(text: string): number[] | undefined {
  let host = text.replace(/%.*$/, ''); // a zone id (fe80::1%eth0)
  const lastColon = host.lastIndexOf(':');
  const v4 = ipv4Octets(host.slice(lastColon + 1));
  if (v4) host = `${host.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  const halves = host.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}
