/**
 * `v1a`: the Standard Webhooks asymmetric scheme live dynamic deliveries use — Ed25519 over
 * `${webhook-id}.${webhook-timestamp}.${raw body}` (the raw bytes, as received), checked with
 * node:crypto against each Ed25519 key of the set (the entry names no key). Pure and synchronous.
 */
import { verify } from 'node:crypto';
import { PublicKey } from './keySet';

export interface V1aInput {
  readonly webhookId: string;
  /** The header as sent (already checked to be integer Unix seconds). */
  readonly timestampHeader: string;
  readonly rawBody: Uint8Array;
  readonly signatures: readonly Buffer[];
}

/** The signed content: id, timestamp and body joined by dots. */
export function signedContent(webhookId: string, timestampHeader: string, rawBody: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${webhookId}.${timestampHeader.trim()}.`, 'utf8'), rawBody]);
}

/** The first Ed25519 key under which some entry verifies, or undefined. */
export function matchV1a(input: V1aInput, keys: readonly PublicKey[]): PublicKey | undefined {
  const content = signedContent(input.webhookId, input.timestampHeader, input.rawBody);
  for (const key of keys) {
    if (key.algorithm !== 'EdDSA') continue;
    for (const signature of input.signatures) {
      if (verify(null, content, key.key, signature)) return key;
    }
  }
  return undefined;
}
