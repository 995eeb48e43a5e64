/**
 * The entries of a Standard Webhooks `webhook-signature` header: space-separated `<version>,<base64>`.
 * `v1` is HMAC-SHA256 (32 bytes, static webhooks); `v1a` is Ed25519 (64 bytes, what live dynamic
 * deliveries carry). Entries of other versions are skipped, as the spec asks; malformed ones are
 * remembered so that a rejection can say what was wrong with them.
 */

export interface SignatureEntries {
  readonly v1: readonly Buffer[];
  readonly v1a: readonly Buffer[];
  /** Why each unusable `v1`/`v1a` entry was skipped, in words. */
  readonly problems: readonly string[];
}

const LENGTHS = { v1: 32, v1a: 64 } as const;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_ENTRIES = 32;

export function parseSignatureEntries(value: string): SignatureEntries {
  const v1: Buffer[] = [];
  const v1a: Buffer[] = [];
  const problems: string[] = [];
  // Entries are separated by spaces; a signature sent as two header lines arrives joined by ", " (RFC 9110 §5.3).
  for (const raw of value.trim().split(/\s+/).slice(0, MAX_ENTRIES)) {
    const entry = raw.endsWith(',') ? raw.slice(0, -1) : raw;
    const comma = entry.indexOf(',');
    if (comma === -1) continue;
    const version = entry.slice(0, comma);
    if (version !== 'v1' && version !== 'v1a') continue;
    const b64 = entry.slice(comma + 1);
    if (!BASE64.test(b64)) {
      problems.push(`a ${version} entry that is not base64`);
      continue;
    }
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length !== LENGTHS[version]) {
      problems.push(`a ${version} entry of ${bytes.length} bytes (expected ${LENGTHS[version]})`);
      continue;
    }
    (version === 'v1' ? v1 : v1a).push(bytes);
  }
  return { v1, v1a, problems };
}
