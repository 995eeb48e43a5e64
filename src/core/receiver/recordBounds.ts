/**
 * What the history keeps of a request, bounded field by field. The body is bounded where it is read
 * (the receiver's limit for a verified delivery, REJECTED_BODY_STORE_LIMIT for a rejected one); every
 * other field a sender controls is bounded here, so that no request — signed or not — makes a record
 * much larger than its body: a 1 MB unsigned request once became a 1 MB record through `type` and
 * `user_metadata` alone. A rejected request is kept for diagnosis only and gets the tighter bounds.
 * The names of the fields that were shortened are listed in the record's `clipped`.
 */
import { clip } from '../util/text';
import type { TokenSummary } from '../verify/verdict';
import type { ReceivedDelivery } from './types';

/** Bytes of a rejected request's body kept in the history (accepted ones keep up to the body limit). */
export const REJECTED_BODY_STORE_LIMIT = 64 * 1024;

export interface FieldBounds {
  readonly pathChars: number;
  readonly methodChars: number;
  readonly headerCount: number;
  readonly headerNameChars: number;
  readonly headerValueChars: number;
  /** Names and values together. */
  readonly headerTotalChars: number;
  readonly typeChars: number;
  readonly idChars: number;
  readonly reasonChars: number;
  /** user_metadata as JSON; larger metadata is not stored beside the body (the body still holds it). */
  readonly userMetadataChars: number;
  readonly tokenFieldChars: number;
  readonly audienceCount: number;
}

/**
 * A verified delivery: generous (Node's own limit on all headers together is 16 KiB, so its headers are
 * never shortened), yet finite for a receiver started with larger limits.
 */
export const VERIFIED_BOUNDS: FieldBounds = {
  pathChars: 4096,
  methodChars: 16,
  headerCount: 200,
  headerNameChars: 256,
  headerValueChars: 64 * 1024,
  headerTotalChars: 256 * 1024,
  typeChars: 256,
  idChars: 512,
  reasonChars: 1024,
  userMetadataChars: 64 * 1024,
  tokenFieldChars: 1024,
  audienceCount: 20,
};

/** A rejected request: enough to see what it was. */
export const REJECTED_BOUNDS: FieldBounds = {
  pathChars: 1024,
  methodChars: 16,
  headerCount: 64,
  headerNameChars: 128,
  headerValueChars: 2048,
  headerTotalChars: 16 * 1024,
  typeChars: 128,
  idChars: 256,
  reasonChars: 1024,
  userMetadataChars: 4096,
  tokenFieldChars: 256,
  audienceCount: 5,
};

/**
 * The record with every sender-controlled field within bounds (the verdict's bounds unless given), and
 * `clipped` naming what was shortened. Returns the same object when nothing needed shortening.
 */
export function boundRecord(
  record: ReceivedDelivery,
  bounds: FieldBounds = record.verdict === 'rejected' ? REJECTED_BOUNDS : VERIFIED_BOUNDS,
): ReceivedDelivery {
  const clipped = new Set<string>(record.clipped ?? []);
  const out: { -readonly [K in keyof ReceivedDelivery]: ReceivedDelivery[K] } = { ...record };
  const text = (field: 'path' | 'method' | 'eventType' | 'webhookId' | 'reason', max: number) => {
    const value = out[field];
    if (typeof value === 'string' && value.length > max) {
      out[field] = clip(value, max);
      clipped.add(field);
    }
  };
  text('path', bounds.pathChars);
  text('method', bounds.methodChars);
  text('eventType', bounds.typeChars);
  text('webhookId', bounds.idChars);
  text('reason', bounds.reasonChars);

  const headers = boundHeaders(record.headers, bounds);
  if (headers !== record.headers) {
    out.headers = headers;
    clipped.add('headers');
  }
  if (record.userMetadata !== undefined && !fitsAsJson(record.userMetadata, bounds.userMetadataChars)) {
    delete out.userMetadata;
    clipped.add('userMetadata');
  }
  if (record.token) {
    const token = boundToken(record.token, bounds);
    if (token !== record.token) {
      out.token = token;
      clipped.add('token');
    }
  }
  if (record.signatureMethod && record.signatureMethod.length > 32) {
    out.signatureMethod = clip(record.signatureMethod, 32) as ReceivedDelivery['signatureMethod'];
    clipped.add('signatureMethod');
  }
  if (record.matchedKey?.kid !== undefined && record.matchedKey.kid.length > bounds.tokenFieldChars) {
    out.matchedKey = { ...record.matchedKey, kid: clip(record.matchedKey.kid, bounds.tokenFieldChars) };
    clipped.add('matchedKey');
  }
  if (record.verdict === 'rejected' && record.bodyEncoding === undefined && record.body.length > REJECTED_BODY_STORE_LIMIT) {
    // Bodies arriving over HTTP are capped as bytes where they are read; this catches records made elsewhere (imports).
    out.body = record.body.slice(0, REJECTED_BODY_STORE_LIMIT);
    out.bodyTruncated = true;
  }
  if (clipped.size === (record.clipped?.length ?? 0) && out.body === record.body) return record;
  out.clipped = [...clipped];
  return out;
}

function boundHeaders(headers: Readonly<Record<string, string>>, bounds: FieldBounds): Readonly<Record<string, string>> {
  const entries = Object.entries(headers);
  let total = 0;
  let changed = entries.length > bounds.headerCount;
  for (const [name, value] of entries) {
    total += name.length + value.length;
    if (name.length > bounds.headerNameChars || value.length > bounds.headerValueChars) changed = true;
  }
  if (!changed && total <= bounds.headerTotalChars) return headers;
  const out: Record<string, string> = {};
  let used = 0;
  for (const [name, value] of entries.slice(0, bounds.headerCount)) {
    const n = clip(name, bounds.headerNameChars);
    const v = clip(value, bounds.headerValueChars);
    if (used + n.length + v.length > bounds.headerTotalChars) break;
    used += n.length + v.length;
    out[n] = v;
  }
  return out;
}

function boundToken(token: TokenSummary, bounds: FieldBounds): TokenSummary {
  const max = bounds.tokenFieldChars;
  const long = (v: unknown) => typeof v === 'string' && v.length > max;
  const aud = token.aud;
  const audLong = Array.isArray(aud) ? aud.length > bounds.audienceCount || aud.some(long) : long(aud);
  if (!long(token.kid) && !long(token.alg) && !long(token.iss) && !long(token.jti) && !audLong) return token;
  return {
    ...token,
    ...(token.kid !== undefined ? { kid: clip(token.kid, max) } : {}),
    ...(token.alg !== undefined ? { alg: clip(token.alg, max) } : {}),
    ...(token.iss !== undefined ? { iss: clip(token.iss, max) } : {}),
    ...(token.jti !== undefined ? { jti: clip(token.jti, max) } : {}),
    ...(aud !== undefined
      ? { aud: typeof aud === 'string' ? clip(aud, max) : (aud as readonly string[]).slice(0, bounds.audienceCount).map((a) => clip(String(a), max)) }
      : {}),
  };
}

/** Whether the value serializes to at most `max` characters (false too when it cannot be serialized, e.g. nested too deep). */
function fitsAsJson(value: unknown, max: number): boolean {
  try {
    const text = JSON.stringify(value);
    return text === undefined || text.length <= max;
  } catch {
    return false;
  }
}
