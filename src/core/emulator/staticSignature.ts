/** Standard Webhooks signing: `v1,<base64 HMAC-SHA256(key, "${id}.${timestamp}.${body}")>` per active secret. */
import { createHmac } from 'node:crypto';

export function signatureHeader(keys: readonly Buffer[], msgId: string, timestamp: number, body: Buffer): string {
  const prefix = `${msgId}.${timestamp}.`;
  let out = '';
  for (const key of keys) {
    const sig = createHmac('sha256', key).update(prefix).update(body).digest('base64');
    out += out ? ` v1,${sig}` : `v1,${sig}`;
  }
  return out;
}
