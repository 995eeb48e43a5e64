/**
 * The shape of a Standard Webhooks signing secret: `whsec_` + base64 of 24 to 64 random bytes.
 * One rule for every front end: the extension's prompts, the CLI's --secret, the emulator's state file.
 */

export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

/** Undefined when the secret is well formed; otherwise why not (never echoing the secret). */
export function validateSigningSecret(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return 'Paste the signing secret (it starts with whsec_).';
  if (!text.startsWith('whsec_')) return 'A signing secret starts with whsec_.';
  const b64 = text.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return 'After whsec_ the secret must be base64.';
  const bytes = Buffer.from(b64, 'base64').length;
  if (bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES)
    return `The secret must encode ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes (this one has ${bytes}).`;
  return undefined;
}
