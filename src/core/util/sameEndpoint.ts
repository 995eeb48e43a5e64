/**
 * Whether two URLs name the same HTTP endpoint: scheme, host (127.0.0.1, localhost and [::1] are
 * one loopback), port (the scheme's default when absent) and path (a trailing slash aside); the
 * query and fragment do not matter. Used to tell a webhook that points at the local receiver.
 */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function sameEndpoint(a: string, b: string): boolean {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return false;
  return x.protocol === y.protocol && host(x) === host(y) && port(x) === port(y) && path(x) === path(y);
}

function parse(text: string): URL | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function host(url: URL): string {
  const name = url.hostname.toLowerCase();
  return LOOPBACK.has(name) ? 'loopback' : name;
}

function port(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

function path(url: URL): string {
  return url.pathname.replace(/\/+$/, '') || '/';
}
