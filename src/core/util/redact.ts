/** Redaction of secrets from anything that may reach a log, an error message or the UI. */

const SECRET_PATTERNS: readonly RegExp[] = [
  /whsec_[A-Za-z0-9+/=_-]{8,}/g, // Standard Webhooks signing secrets
  /AIza[0-9A-Za-z_-]{20,}/g, // Google API keys
];

/** Replaces every known secret shape in `text`, and every literal in `known`, with a marker. */
export function redact(text: string, known: Iterable<string> = []): string {
  let out = text;
  for (const secret of known) {
    if (secret && secret.length >= 6) out = out.split(secret).join('«redacted»');
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, (m) => `${m.slice(0, 6)}…«redacted»`);
  return out;
}

/** The short, safe form of a secret the API shows: first characters only. */
export function truncateSecret(secret: string): string {
  return secret.length <= 10 ? '…' : `${secret.slice(0, 10)}…`;
}
