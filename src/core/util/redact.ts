/** Redaction of secrets from anything that may reach a log, an error message or the UI. */

const SECRET_PATTERNS: readonly RegExp[] = [
  /whsec_[A-Za-z0-9+/=_-]{8,}/g, // Standard Webhooks signing secrets
  /AIza[0-9A-Za-z_-]{20,}/g, // Google API keys
];
/** The literal each of SECRET_PATTERNS begins with. */
const SECRET_PREFIXES: readonly string[] = ['whsec_', 'AIza'];

/** Replaces every known secret shape in `text`, and every literal in `known`, with a marker. */
export function redact(text: string, known: Iterable<string> = []): string {
  let out = text;
  for (const secret of known) {
    if (secret && secret.length >= 6) out = out.split(secret).join('«redacted»');
  }
  // Each pattern starts with its literal prefix: text without it has nothing to replace (the common case, cheaply).
  for (let i = 0; i < SECRET_PATTERNS.length; i++) {
    if (out.includes(SECRET_PREFIXES[i])) out = out.replace(SECRET_PATTERNS[i], (m) => `${m.slice(0, 6)}…«redacted»`);
  }
  return out;
}

/**
 * A URL safe to log or show: user info and query values can carry credentials (a forward-to URL with a
 * token), so they are replaced; scheme, host, port and path stay. Unparseable text is kept out entirely.
 */
export function safeUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(invalid URL)';
  }
  if (u.username || u.password) {
    u.username = u.username ? '***' : '';
    u.password = u.password ? '***' : '';
  }
  for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, '***');
  return u.toString();
}
