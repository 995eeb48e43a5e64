/**
 * The probe's checks: each builds one request, names what a correct handler answers, and says why it
 * matters and how to fix a handler that answers otherwise. Only what Gemini's guide and Standard
 * Webhooks require is graded, so a handler built on `standardwebhooks`' verify plus a webhook-id
 * dedupe passes every static check.
 *
 * Static deliveries are signed as Gemini signs them: one `v1` entry per given secret (during a
 * rotation's grace window Gemini sends one per active secret). Dynamic deliveries are signed by the
 * probe's own key set (keys.ts), which the handler must fetch from the probe's key server.
 */
import { EVENT_CATALOG } from '../events/catalog';
import { makeEnvelope } from '../events/envelope';
import { newSigningSecret } from '../emulator/secrets';
import { newMessageId } from '../util/randomId';
import { signStatic } from '../verify/staticVerifier';
import { ForeignKeys, ProbeKeys, unsignedJwt } from './keys';
import { CheckGroup, Expectation } from './types';

/** Seconds a stale or future delivery is off: beyond Standard Webhooks' 5-minute window. */
export const OFF_WINDOW_SECONDS = 400;
/** The size of the large-body check's delivery. */
export const LARGE_BODY_BYTES = 1024 * 1024;
/** A type no catalog lists. */
export const UNKNOWN_EVENT_TYPE = 'example.future_event';

export interface ProbeRequest {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface CheckSpec {
  readonly name: string;
  readonly title: string;
  readonly group: CheckGroup;
  readonly expected: Expectation;
  readonly sent: string;
  readonly why: string;
  readonly fix: string;
  /** Builds the request just before it is sent (timestamps are fresh). */
  build(): ProbeRequest;
}

export interface CheckContext {
  /** The handler's secrets: each signs one `v1` entry of every valid static delivery. */
  readonly secrets: readonly string[];
  /** The probe's key set and the keys outside it, for dynamic checks. */
  readonly dynamic?: { readonly keys: ProbeKeys; readonly foreign: ForeignKeys; readonly audience: string };
  /** Unix seconds now. */
  readonly now: () => number;
}

const RAW_BODY_FIX =
  'Verify the raw request body — express.raw(), request.get_data(), await request.body(), await request.text() — before parsing it, never a re-serialized one.';
const WINDOW_FIX =
  "Reject a delivery whose webhook-timestamp is more than 300 s from now, in either direction (standardwebhooks' verify does), before anything else.";
const REJECT_FIX =
  'Answer 400 or 401 when no signature entry verifies over `${webhook-id}.${webhook-timestamp}.${raw body}` exactly as the headers carry them.';
const WINDOW_WHY =
  'Standard Webhooks rejects timestamps more than 5 minutes from now, so a captured delivery cannot be replayed later; the signature alone does not expire.';

/** Every check for this run, in report order: static ones first (when there is a secret), then dynamic ones. */
export function probeChecks(ctx: CheckContext): CheckSpec[] {
  const checks: CheckSpec[] = [];
  if (ctx.secrets.length > 0) checks.push(...staticChecks(ctx, ctx.secrets));
  if (ctx.dynamic) checks.push(...dynamicChecks(ctx, ctx.dynamic));
  return checks;
}

function headers(id: string | undefined, timestamp: number | undefined, signature: string | undefined, check: string): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'gemini-webhooks-probe', 'x-gemini-webhooks-probe': check };
  if (id !== undefined) h['webhook-id'] = id;
  if (timestamp !== undefined) h['webhook-timestamp'] = String(timestamp);
  if (signature !== undefined) h['webhook-signature'] = signature;
  return h;
}

const envelope = (type: string, extra?: Record<string, unknown>): Buffer => {
  const e = makeEnvelope(type);
  return Buffer.from(JSON.stringify(extra ? { ...e, ...extra } : e), 'utf8');
};

/** Not JSON.stringify's form: indentation, CRLF and LF, keys out of order, \u escapes, a final newline. */
function unusualBody(): Buffer {
  const text = [
    '{',
    '  "version" : "v1",',
    '  "data": {\r',
    '    "output_file_uri": "gs://probe-bucket/r\\u00e9sultats.jsonl",',
    '    "id": "batch_\\u0070robe",',
    '    "error_count": 0',
    '  },',
    '  "timestamp": "' + new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') + '",',
    '  "type": "batch.succeeded"',
    '}',
    '',
  ].join('\n');
  return Buffer.from(text, 'utf8');
}

function largeBody(): Buffer {
  const base = makeEnvelope('batch.failed');
  const skeleton = JSON.stringify({ ...base, data: { ...base.data, error_message: '' } });
  const padding = 'x'.repeat(LARGE_BODY_BYTES - Buffer.byteLength(skeleton, 'utf8'));
  const body = Buffer.from(JSON.stringify({ ...base, data: { ...base.data, error_message: padding } }), 'utf8');
  return body;
}

function staticChecks(ctx: CheckContext, secrets: readonly string[]): CheckSpec[] {
  const sign = (id: string, ts: number, body: Buffer, with_: readonly string[] = secrets) => with_.map((s) => signStatic(s, id, ts, body)).join(' ');
  const foreignSecret = newSigningSecret(Date.now()).secret;
  const all = secrets.length === 1 ? 'secret #1' : `each of the ${secrets.length} secrets (one v1 entry each)`;
  const signed = (name: string, body: () => Buffer) => (): ProbeRequest => {
    const id = newMessageId();
    const ts = ctx.now();
    const b = body();
    return { headers: headers(id, ts, sign(id, ts, b), name), body: b };
  };
  const validId = newMessageId();
  const checks: CheckSpec[] = [
    {
      name: 'valid',
      title: 'A valid delivery',
      group: 'static',
      expected: '2xx',
      sent: `a batch.succeeded delivery signed v1 with ${all}, as Gemini sends it`,
      why: 'This is what Gemini sends. Anything but a 2xx makes it retry for 24 hours, and sustained failures disable the webhook.',
      fix: "Verify with this webhook's signing secret(s) (GEMINI_WEBHOOK_SECRET) over the raw body, and answer 2xx once a signature matches.",
      build: () => {
        const ts = ctx.now();
        const b = envelope('batch.succeeded');
        return { headers: headers(validId, ts, sign(validId, ts, b), 'valid'), body: b };
      },
    },
    ...EVENT_CATALOG.map((info): CheckSpec => ({
      name: `type:${info.type}`,
      title: `Event type ${info.type}`,
      group: 'static',
      expected: '2xx',
      sent: `a validly signed ${info.type} delivery (${info.description.toLowerCase()})`,
      why: 'Gemini sends every type the webhook subscribes to (and the guide names more); answering only the types you act on makes the others retry.',
      fix: 'Answer 2xx to every verified delivery whatever its type; act only on the types you need.',
      build: signed(`type:${info.type}`, () => envelope(info.type)),
    })),
    {
      name: 'unknown-type',
      title: 'An unknown, future event type',
      group: 'static',
      expected: '2xx',
      sent: `a validly signed delivery of a type no catalog lists yet ("${UNKNOWN_EVENT_TYPE}")`,
      why: 'New event types appear over time; refusing one makes Gemini retry it for 24 hours and can disable the webhook.',
      fix: 'Accept unknown types with a 2xx and ignore (or log) them; never check `type` against a fixed list before answering.',
      build: signed('unknown-type', () => envelope(UNKNOWN_EVENT_TYPE, { data: { id: 'future_1' } })),
    },
    {
      name: 'raw-body',
      title: 'Raw body, not in JSON.stringify form',
      group: 'static',
      expected: '2xx',
      sent: 'a validly signed body with indentation, CRLF and LF line ends, keys out of order and \\u escapes',
      why: "The signature covers the raw bytes as sent. A handler that verifies a re-serialized body (JSON.stringify(req.body), json.dumps(...)) rejects every delivery whose bytes differ from its own serializer's.",
      fix: RAW_BODY_FIX,
      build: signed('raw-body', unusualBody),
    },
    {
      name: 'rotation',
      title: "Rotation: the handler's secret signs the second entry",
      group: 'static',
      expected: '2xx',
      sent: 'webhook-signature with two v1 entries: first one from a secret the handler does not have, then one from secret #1',
      why: "During a rotation's 24-hour grace window Gemini sends one v1 entry per active secret, in no promised order; checking only the first entry rejects valid deliveries.",
      fix: "Check every space-separated v1 entry against every configured secret, in constant time (standardwebhooks' verify does).",
      build: () => {
        const id = newMessageId();
        const ts = ctx.now();
        const b = envelope('batch.succeeded');
        return { headers: headers(id, ts, `${signStatic(foreignSecret, id, ts, b)} ${signStatic(secrets[0], id, ts, b)}`, 'rotation'), body: b };
      },
    },
    {
      name: 'v1a-beside-v1',
      title: 'A v1a entry beside a valid v1 entry',
      group: 'static',
      expected: '2xx',
      sent: 'webhook-signature with a valid v1 entry followed by a v1a (Ed25519) entry',
      why: 'Standard Webhooks lets one header carry several schemes; an entry of a scheme you do not check must be skipped, not fail the request.',
      fix: 'Skip entries whose version you do not verify; accept when any v1 entry matches.',
      build: () => {
        const id = newMessageId();
        const ts = ctx.now();
        const b = envelope('interaction.completed');
        const v1a = `v1a,${Buffer.alloc(64, 7).toString('base64')}`;
        return { headers: headers(id, ts, `${sign(id, ts, b)} ${v1a}`, 'v1a-beside-v1'), body: b };
      },
    },
    {
      name: 'duplicate',
      title: 'The same webhook-id again (a retry)',
      group: 'static',
      expected: '2xx',
      sent: "the valid delivery's webhook-id again, re-signed with a fresh timestamp, as a retry arrives",
      why: 'Delivery is at least once: a retry carries the same webhook-id. Answering it with a 4xx or 5xx makes Gemini retry it again, for 24 hours.',
      fix: 'Remember the webhook-ids you accepted (for at least 24 hours); answer a repeated one 2xx without processing it again.',
      build: () => {
        const ts = ctx.now();
        const b = envelope('batch.succeeded');
        return { headers: headers(validId, ts, sign(validId, ts, b), 'duplicate'), body: b };
      },
    },
    {
      name: 'tampered-body',
      title: 'Body changed after signing',
      group: 'static',
      expected: '4xx',
      sent: 'a delivery whose body was changed after it was signed',
      why: 'Only Gemini holds the secret; accepting a changed body lets anyone who saw one delivery make up others.',
      fix: REJECT_FIX,
      build: () => {
        const id = newMessageId();
        const ts = ctx.now();
        const b = envelope('batch.succeeded');
        const changed = Buffer.from(b.toString('utf8').replace('"batch.succeeded"', '"batch.failed"'), 'utf8');
        return { headers: headers(id, ts, sign(id, ts, b), 'tampered-body'), body: changed };
      },
    },
    {
      name: 'tampered-id',
      title: 'webhook-id changed after signing',
      group: 'static',
      expected: '4xx',
      sent: 'a delivery whose webhook-id header was changed after it was signed',
      why: 'The id is signed so that a captured delivery cannot be replayed under a new id, past your dedupe.',
      fix: REJECT_FIX,
      build: () => {
        const ts = ctx.now();
        const b = envelope('batch.succeeded');
        return { headers: headers(newMessageId(), ts, sign(newMessageId(), ts, b), 'tampered-id'), body: b };
      },
    },
    {
      name: 'tampered-timestamp',
      title: 'webhook-timestamp changed after signing',
      group: 'static',
      expected: '4xx',
      sent: 'a delivery whose webhook-timestamp was moved by one second after it was signed',
      why: 'The timestamp is signed so that an old delivery cannot be made to look new.',
      fix: REJECT_FIX,
      build: () => {
        const id = newMessageId();
        const ts = ctx.now();
        const b = envelope('batch.succeeded');
        return { headers: headers(id, ts - 1, sign(id, ts, b), 'tampered-timestamp'), body: b };
      },
    },
    {
      name: 'wrong-secret',
      title: 'Signed with another secret',
      group: 'static',
      expected: '4xx',
      sent: 'a delivery signed with a secret the handler does not have',
      why: "A handler that accepts any well-formed signature accepts anyone's deliveries.",
      fix: 'Compare each v1 entry with the HMAC-SHA256 of your own secrets (the bytes after whsec_, base64-decoded), in constant time.',
      build: () => {
        const id = newMessageId();
        const ts = ctx.now();
        const b = envelope('batch.succeeded');
        return { headers: headers(id, ts, signStatic(foreignSecret, id, ts, b), 'wrong-secret'), body: b };
      },
    },
    {
      name: 'no-signature',
      title: 'No signature headers',
      group: 'static',
      expected: '4xx',
      sent: 'a JSON POST without webhook-id, webhook-timestamp and webhook-signature',
      why: 'An unsigned request can come from anyone.',
      fix: 'Answer 400 when any of webhook-id, webhook-timestamp or webhook-signature is missing.',
      build: () => ({ headers: headers(undefined, undefined, undefined, 'no-signature'), body: envelope('batch.succeeded') }),
    },
    {
      name: 'malformed-signature',
      title: 'Malformed signature header',
      group: 'static',
      expected: '4xx',
      sent: 'a delivery whose webhook-signature is "v1,%%not-base64%%"',
      why: 'Malformed input must be refused, not crash the handler: a 5xx tells the sender to retry.',
      fix: 'Treat an entry you cannot parse as no match, and answer 400 or 401.',
      build: () => ({ headers: headers(newMessageId(), ctx.now(), 'v1,%%not-base64%%', 'malformed-signature'), body: envelope('batch.succeeded') }),
    },
    {
      name: 'stale',
      title: `Signed, but ${OFF_WINDOW_SECONDS} s old`,
      group: 'static',
      expected: '4xx',
      sent: `a correctly signed delivery whose webhook-timestamp is ${OFF_WINDOW_SECONDS} s in the past`,
      why: WINDOW_WHY,
      fix: WINDOW_FIX,
      build: () => {
        const id = newMessageId();
        const ts = ctx.now() - OFF_WINDOW_SECONDS;
        const b = envelope('batch.succeeded');
        return { headers: headers(id, ts, sign(id, ts, b), 'stale'), body: b };
      },
    },
    {
      name: 'future',
      title: `Signed, but ${OFF_WINDOW_SECONDS} s ahead`,
      group: 'static',
      expected: '4xx',
      sent: `a correctly signed delivery whose webhook-timestamp is ${OFF_WINDOW_SECONDS} s in the future`,
      why: WINDOW_WHY,
      fix: WINDOW_FIX,
      build: () => {
        const id = newMessageId();
        const ts = ctx.now() + OFF_WINDOW_SECONDS;
        const b = envelope('batch.succeeded');
        return { headers: headers(id, ts, sign(id, ts, b), 'future'), body: b };
      },
    },
    {
      name: 'large-body',
      title: 'A valid 1 MiB delivery',
      group: 'static',
      expected: '2xx',
      sent: 'a validly signed batch.failed delivery of 1 MiB (a long error_message)',
      why: "Default body limits are small (Express's raw and JSON parsers: 100 KB) and refuse a large delivery with 413 — which Gemini then retries for 24 hours.",
      fix: "Raise the raw parser's limit (e.g. express.raw({ type: '*/*', limit: '5mb' })); keep a limit, just not below a few MB.",
      build: signed('large-body', largeBody),
    },
  ];
  return checks;
}

function dynamicChecks(ctx: CheckContext, d: NonNullable<CheckContext['dynamic']>): CheckSpec[] {
  const body = (type: string, check: string) => envelope(type, { user_metadata: { probe: check } });
  const v1a =
    (name: string, sign: (id: string, ts: number, b: Buffer) => string, offset = 0) =>
    (): ProbeRequest => {
      const id = newMessageId();
      const ts = ctx.now() + offset;
      const b = body('batch.succeeded', name);
      return { headers: headers(id, ts, sign(id, ts, b), name), body: b };
    };
  const jwt =
    (name: string, make: (claims: Record<string, unknown>) => string, claims: (now: number) => Record<string, unknown>, offset = 0) =>
    (): ProbeRequest => {
      const id = newMessageId();
      const now = ctx.now();
      return { headers: headers(id, now + offset, make(claims(now)), name), body: body('interaction.completed', name) };
    };
  const claims = (aud: string) => (now: number) => ({ aud, iat: now, exp: now + 300 });
  const lastKey = d.keys.jwks().keys.filter((k) => k.kty === 'OKP').length - 1;
  const JWKS_FIX = "Fetch the key set from GEMINI_WEBHOOK_JWKS_URI (the probe's key server here), cache it, and refetch on a miss at most every 30 s.";
  return [
    {
      name: 'dynamic-v1a',
      title: 'Dynamic delivery, v1a Ed25519',
      group: 'dynamic',
      expected: '2xx',
      sent: `a dynamic delivery signed "v1a,<Ed25519>" by key ${lastKey + 1} of the ${lastKey + 1} in the probe's key set`,
      why: 'Live dynamic (webhook_config) deliveries carry webhook-signature: v1a,<Ed25519 signature>. The entry names no key, so every Ed25519 key of the set must be tried.',
      fix: `Verify v1a entries with node:crypto / cryptography over \`\${webhook-id}.\${webhook-timestamp}.\${raw body}\` against each OKP key of the JWKS. ${JWKS_FIX}`,
      build: v1a('dynamic-v1a', (id, ts, b) => d.keys.signV1a(lastKey, id, ts, b)),
    },
    {
      name: 'dynamic-v1a-forged',
      title: 'Dynamic v1a, signed by a key outside the set',
      group: 'dynamic',
      expected: '4xx',
      sent: 'a v1a delivery signed by an Ed25519 key the key set does not hold',
      why: "Only keys of the fetched set may sign; a key from anywhere else is anyone's.",
      fix: 'Accept a v1a entry only when a key of the fetched set verifies it.',
      build: v1a('dynamic-v1a-forged', (id, ts, b) => d.foreign.signV1a(id, ts, b)),
    },
    {
      name: 'dynamic-v1a-stale',
      title: `Dynamic v1a, ${OFF_WINDOW_SECONDS} s old`,
      group: 'dynamic',
      expected: '4xx',
      sent: `a v1a delivery signed by a key of the set, its webhook-timestamp ${OFF_WINDOW_SECONDS} s in the past`,
      why: WINDOW_WHY,
      fix: WINDOW_FIX,
      build: v1a('dynamic-v1a-stale', (id, ts, b) => d.keys.signV1a(0, id, ts, b), -OFF_WINDOW_SECONDS),
    },
    {
      name: 'dynamic-jwt',
      title: 'Dynamic delivery, RS256 JWT',
      group: 'dynamic',
      expected: '2xx',
      sent: `a dynamic delivery whose webhook-signature is an RS256 JWT (kid of the set, aud "${d.audience}", exp in 5 min)`,
      why: "Google's guide documents this form: a JWT signed by a key of the JWKS, for the audience you configured.",
      fix: `Verify the token against the JWKS — key by kid, algorithm pinned to the key type — and check aud (GEMINI_WEBHOOK_AUDIENCE = "${d.audience}") and exp. ${JWKS_FIX}`,
      build: jwt('dynamic-jwt', (c) => d.keys.signJwt(c), claims(d.audience)),
    },
    {
      name: 'dynamic-jwt-forged',
      title: 'Dynamic JWT, signed by another key',
      group: 'dynamic',
      expected: '4xx',
      sent: "an RS256 JWT naming the set's kid but signed by a key outside the set",
      why: 'A kid only names a key; the token is genuine only when that key verifies its signature.',
      fix: 'Verify the signature with the key the kid names (jose jwtVerify, PyJWT decode with the key), never just decode.',
      build: jwt('dynamic-jwt-forged', (c) => d.foreign.signJwt(d.keys.rsaKid, c), claims(d.audience)),
    },
    {
      name: 'dynamic-jwt-alg-none',
      title: 'Dynamic JWT with alg "none"',
      group: 'dynamic',
      expected: '4xx',
      sent: 'an unsigned JWT (alg "none") naming the set\'s kid',
      why: 'A verifier that takes the algorithm from the token accepts unsigned tokens.',
      fix: 'Pin the algorithm to the key type (RS256 for RSA keys, ES256 for P-256, EdDSA for Ed25519).',
      build: jwt('dynamic-jwt-alg-none', (c) => unsignedJwt(d.keys.rsaKid, c), claims(d.audience)),
    },
    {
      name: 'dynamic-jwt-audience',
      title: 'Dynamic JWT for another audience',
      group: 'dynamic',
      expected: '4xx',
      sent: 'a valid RS256 JWT whose aud is "https://other.example/callback"',
      why: 'The audience binds a token to your endpoint: without the check, a token minted for another service is accepted here.',
      fix: `Check aud against your own (set GEMINI_WEBHOOK_AUDIENCE; the probe's tokens carry "${d.audience}").`,
      build: jwt('dynamic-jwt-audience', (c) => d.keys.signJwt(c), claims('https://other.example/callback')),
    },
    {
      name: 'dynamic-jwt-stale',
      title: 'Dynamic JWT, expired',
      group: 'dynamic',
      expected: '4xx',
      sent: `an RS256 JWT that expired 100 s ago, its webhook-timestamp ${OFF_WINDOW_SECONDS} s in the past`,
      why: 'An expired token must not be replayable.',
      fix: 'Check exp (jose and PyJWT do when it is present) and the webhook-timestamp window.',
      build: jwt(
        'dynamic-jwt-stale',
        (c) => d.keys.signJwt(c),
        (now) => ({ aud: d.audience, iat: now - OFF_WINDOW_SECONDS, exp: now - 100 }),
        -OFF_WINDOW_SECONDS,
      ),
    },
  ];
}
