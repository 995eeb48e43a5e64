/**
 * The Node handler scaffolds: Express (TypeScript or JavaScript, ES modules) and a Next.js App Router
 * route handler. All three share one verifier, written here once with its TypeScript annotations
 * marked (`t(…)`), so the JavaScript variant is the same code without them.
 *
 * The verifier: `standardwebhooks`' verify for static deliveries (every v1 entry, every configured
 * secret, constant time, the 5-minute window), node:crypto Ed25519 for `v1a` dynamic deliveries
 * (each key of the JWKS: the entry names none) and jose for JWT dynamic deliveries (key by kid,
 * algorithm pinned, aud and exp checked); one cached key set, refetched on a miss at most every 30 s;
 * a webhook-id dedupe; 2xx at once, the work afterwards.
 */

type Lang = 'ts' | 'js';

/** Shared header lines: what the handler reads from the environment, and how to check it. */
function envLines(prefix: string): string {
  return [
    `${prefix}Environment:`,
    `${prefix}  GEMINI_WEBHOOK_SECRET    the webhook's signing secret(s): whsec_… values separated by spaces or commas`,
    `${prefix}                           (during a rotation's grace window, the new and the previous one)`,
    `${prefix}  GEMINI_WEBHOOK_JWKS_URI  key set of dynamic (webhook_config) deliveries (default Google's)`,
    `${prefix}  GEMINI_WEBHOOK_AUDIENCE  the aud dynamic JWT deliveries must carry (your callback URL or client id)`,
  ].join('\n');
}

/** The verifier, dedupe and key-set cache every Node scaffold starts with. */
function verifier(lang: Lang): string {
  const t = (annotation: string) => (lang === 'ts' ? annotation : '');
  /** `(expr as type)` in TypeScript, `expr` in JavaScript. */
  const cast = (expr: string, type: string) => (lang === 'ts' ? `(${expr} as ${type})` : expr);
  const typeDecls =
    lang === 'ts'
      ? `
interface GeminiEvent {
  type: string;
  version?: string;
  timestamp?: string;
  data?: Record<string, unknown>;
  /** Dynamic deliveries: the job's webhook_config.user_metadata. */
  user_metadata?: Record<string, unknown>;
}

type Verified = { ok: true; id: string; event: GeminiEvent } | { ok: false; status: 400 | 401 | 503; reason: string };

interface KeySet {
  jwks: JSONWebKeySet;
  ed25519: KeyObject[];
  fetchedAt: number;
}
`
      : '';
  return `const TOLERANCE_SECONDS = 5 * 60; // Standard Webhooks: reject timestamps more than 5 minutes away
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const SECRETS = (process.env.GEMINI_WEBHOOK_SECRET ?? '').split(/[\\s,]+/).filter((s) => s !== '');
const JWKS_URI = process.env.GEMINI_WEBHOOK_JWKS_URI || 'https://generativelanguage.googleapis.com/.well-known/jwks.json';
const AUDIENCE = process.env.GEMINI_WEBHOOK_AUDIENCE || undefined;
const verifiers = SECRETS.map((secret, i) => {
  try {
    return new Webhook(secret);
  } catch {
    throw new Error(\`GEMINI_WEBHOOK_SECRET: value #\${i + 1} is not a whsec_ signing secret\`);
  }
});
if (SECRETS.length === 0) console.warn('GEMINI_WEBHOOK_SECRET is not set: static deliveries cannot verify.');
if (!AUDIENCE) console.warn('GEMINI_WEBHOOK_AUDIENCE is not set: dynamic JWT deliveries are accepted for any audience.');
${typeDecls}
/** Verifies one delivery over its raw body: static (v1 HMAC) or dynamic (v1a Ed25519, or a JWT). */
async function verifyDelivery(header${t(': (name: string) => string | undefined')}, raw${t(': Buffer')})${t(': Promise<Verified>')} {
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signature = header('webhook-signature');
  if (!id || !timestamp || !signature) return { ok: false, status: 400, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
  if (!/^\\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS)
    return { ok: false, status: 401, reason: 'webhook-timestamp is outside the 5-minute window' };
  const entries = signature.split(' ');
  let verified = false;
  try {
    if (entries.some((e) => e.startsWith('v1,'))) verified = verifyStatic(id, timestamp, signature, raw);
    if (!verified && entries.some((e) => e.startsWith('v1a,'))) verified = await verifyV1a(id, timestamp, entries, raw);
    if (!verified && /^[\\w-]+\\.[\\w-]+\\.[\\w-]*$/.test(signature)) verified = await verifyJwt(signature, id, raw);
  } catch (error) {
    // The key set could not be read: a 5xx, so Gemini retries later.
    return { ok: false, status: 503, reason: \`cannot verify now: \${${cast('error', 'Error')}.message}\` };
  }
  if (!verified) return { ok: false, status: 401, reason: 'no signature matched' };
  let event${t(': unknown')};
  try {
    event = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'the body is not JSON' };
  }
  if (typeof event !== 'object' || event === null || typeof ${cast('event', 'GeminiEvent')}.type !== 'string')
    return { ok: false, status: 400, reason: 'the body is not an event' };
  return { ok: true, id, ${lang === 'ts' ? 'event: event as GeminiEvent' : 'event'} };
}

/** Static deliveries: standardwebhooks checks every v1 entry (constant time) with each secret. */
function verifyStatic(id${t(': string')}, timestamp${t(': string')}, signature${t(': string')}, raw${t(': Buffer')})${t(': boolean')} {
  const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
  for (const wh of verifiers) {
    try {
      wh.verify(raw, headers, { jsonParse: false });
      return true;
    } catch {
      // not this secret
    }
  }
  return false;
}

/** Dynamic deliveries as live ones are signed: v1a,<Ed25519 over id.timestamp.body>; the entry names no key, so try each. */
async function verifyV1a(id${t(': string')}, timestamp${t(': string')}, entries${t(': string[]')}, raw${t(': Buffer')})${t(': Promise<boolean>')} {
  const signatures = entries.filter((e) => e.startsWith('v1a,')).map((e) => Buffer.from(e.slice(4), 'base64')).filter((s) => s.length === 64);
  if (signatures.length === 0) return false;
  const content = Buffer.concat([Buffer.from(\`\${id}.\${timestamp}.\`, 'utf8'), raw]);
  const matches = (set${t(': KeySet')}) => set.ed25519.some((key) => signatures.some((s) => verifySignature(null, content, key, s)));
  if (matches(await keySet())) return true;
  const fresh = await keySetAfterMiss();
  return fresh !== undefined && matches(fresh);
}

/** Dynamic deliveries as Google's guide documents them: a JWT signed by a key of the JWKS. */
async function verifyJwt(token${t(': string')}, id${t(': string')}, raw${t(': Buffer')})${t(': Promise<boolean>')} {
  const attempt = async (set${t(': KeySet')})${t(": Promise<'ok' | 'no-key' | 'bad'>")} => {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(set.jwks), {
        algorithms: ['RS256', 'ES256', 'EdDSA'], // never 'none'; jose pins each to its key type
        ...(AUDIENCE ? { audience: AUDIENCE } : {}),
      });
      // The guide names no other claim; check these only when the token carries them.
      if (payload.jti !== undefined && payload.jti !== id) return 'bad';
      const digest = payload.body_sha256;
      if (digest !== undefined && digest !== createHash('sha256').update(raw).digest('base64url')) return 'bad';
      return 'ok';
    } catch (error) {
      return error instanceof errors.JWKSNoMatchingKey ? 'no-key' : 'bad';
    }
  };
  const first = await attempt(await keySet());
  if (first !== 'no-key') return first === 'ok';
  const fresh = await keySetAfterMiss();
  return fresh !== undefined && (await attempt(fresh)) === 'ok';
}

let cached${t(': KeySet | undefined')};
let lastFetch = 0;
let inFlight${t(': Promise<KeySet> | undefined')};

/** The key set, cached for 10 minutes (when a refetch fails, the one we had: stale beats nothing). */
async function keySet()${t(': Promise<KeySet>')} {
  if (cached && Date.now() - cached.fetchedAt < 10 * 60_000) return cached;
  try {
    return await loadKeySet();
  } catch (error) {
    if (cached) return cached;
    throw error;
  }
}

/** After a miss (a key rotated in?): a fresh set, at most every 30 s, so forgeries cannot hammer the URL; else undefined. */
async function keySetAfterMiss()${t(': Promise<KeySet | undefined>')} {
  if (!inFlight && Date.now() - lastFetch < 30_000) return undefined;
  return loadKeySet().catch(() => undefined);
}

function loadKeySet()${t(': Promise<KeySet>')} {
  inFlight ??= fetchKeySet().finally(() => (inFlight = undefined));
  return inFlight;
}

async function fetchKeySet()${t(': Promise<KeySet>')} {
  lastFetch = Date.now();
  const res = await fetch(JWKS_URI, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(\`the key set at \${JWKS_URI} answered HTTP \${res.status}\`);
  const jwks = (await res.json())${t(' as JSONWebKeySet')};
  const ed25519${t(': KeyObject[]')} = [];
  for (const k of jwks.keys ?? []) {
    if (k.kty !== 'OKP' || k.crv !== 'Ed25519' || typeof k.x !== 'string') continue;
    try {
      ed25519.push(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.x }, format: 'jwk' }));
    } catch {
      // skip a key that does not import
    }
  }
  cached = { jwks, ed25519, fetchedAt: Date.now() };
  return cached;
}

/** Deliveries come at least once: remember accepted webhook-ids (retries span 24 hours). */
const seen = new Map${t('<string, number>')}();
function firstDelivery(id${t(': string')})${t(': boolean')} {
  const now = Date.now();
  for (const [key, at] of seen) {
    if (seen.size < 100_000 && at > now - 25 * 60 * 60 * 1000) break;
    seen.delete(key);
  }
  if (seen.has(id)) return false;
  seen.set(id, now); // in production: a unique key in your database, so every instance shares it
  return true;
}`;
}

function handleEventFunction(lang: Lang): string {
  const t = (annotation: string) => (lang === 'ts' ? annotation : '');
  return `/** Your work, after the 2xx has been sent. Unknown types are expected: new ones appear over time. */
async function handleEvent(id${t(': string')}, event${t(': GeminiEvent')})${t(': Promise<void>')} {
  switch (event.type) {
    case 'batch.succeeded':
      console.log(\`\${id}: batch \${String(event.data?.id)} succeeded: \${String(event.data?.output_file_uri)}\`);
      break;
    case 'batch.failed':
    case 'interaction.failed':
      console.log(\`\${id}: \${event.type}: \${String(event.data?.error_message)}\`);
      break;
    case 'video.generated':
      console.log(\`\${id}: video ready: \${String(event.data?.video_uri ?? event.data?.file_name)}\`);
      break;
    default:
      console.log(\`\${id}: \${event.type}\`);
  }
}`;
}

const IMPORTS = (lang: Lang, extra: string) =>
  [
    `import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';`,
    ...(lang === 'ts' ? [`import type { KeyObject } from 'node:crypto';`] : []),
    ...(extra ? [extra] : []),
    `import { createLocalJWKSet, errors, jwtVerify } from 'jose';`,
    ...(lang === 'ts' ? [`import type { JSONWebKeySet } from 'jose';`] : []),
    `import { Webhook } from 'standardwebhooks';`,
  ].join('\n');

/** Express (4.17+ or 5), an ES module: `gemini-webhook.mts` or `gemini-webhook.mjs`. */
export function expressHandler(lang: Lang): string {
  const t = (annotation: string) => (lang === 'ts' ? annotation : '');
  const file = lang === 'ts' ? 'gemini-webhook.mts' : 'gemini-webhook.mjs';
  const run =
    lang === 'ts'
      ? [
          '//   npm install express standardwebhooks jose && npm install -D @types/express tsx',
          `//   GEMINI_WEBHOOK_SECRET=whsec_... npx tsx ${file}     (Node 22.18+: node ${file})`,
        ]
      : ['//   npm install express standardwebhooks jose', `//   GEMINI_WEBHOOK_SECRET=whsec_... node ${file}`];
  return `// ${file}: a Gemini API webhook handler (Express, ${lang === 'ts' ? 'TypeScript' : 'JavaScript'}), written by gemini-webhooks.
// Run it (it listens on PORT, default 8000, at /gemini-callback):
${run.join('\n')}
// Check it: gemini-webhooks probe http://127.0.0.1:8000/gemini-callback --secret whsec_... --dynamic
${envLines('// ')}
${IMPORTS(lang, `import express from 'express';`)}

${verifier(lang)}

${handleEventFunction(lang)}

const app = express();

// The raw bytes, never a parsed body: the signature covers the body exactly as sent.
app.post('/gemini-callback', express.raw({ type: () => true, limit: MAX_BODY_BYTES }), async (req, res) => {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const result = await verifyDelivery((name) => req.get(name), raw);
  if (!result.ok) {
    res.status(result.status).json({ error: result.reason });
    return;
  }
  if (!firstDelivery(result.id)) {
    res.status(200).json({ status: 'duplicate' }); // a retry: already accepted, not processed again
    return;
  }
  res.status(200).json({ status: 'received' }); // answer at once; Gemini wants a 2xx within seconds
  setImmediate(() => handleEvent(result.id, result.event).catch((error${t(': unknown')}) => console.error(\`\${result.id}: \`, error)));
});

const port = Number(process.env.PORT ?? 8000);
app.listen(port, () => console.log(\`Gemini webhook handler listening on http://127.0.0.1:\${port}/gemini-callback\`));
`;
}

/** A Next.js App Router route handler: `app/gemini-callback/route.ts` (a Web Request in, a Response out). */
export function nextRouteHandler(): string {
  return `// app/gemini-callback/route.ts: a Gemini API webhook handler (Next.js App Router), written by gemini-webhooks.
// Run it: npm install standardwebhooks jose, then next dev (or next start): it answers POST /gemini-callback.
// Put the variables below in .env.local (or .env); Next.js loads them.
// Check it: gemini-webhooks probe http://127.0.0.1:3000/gemini-callback --secret whsec_... --dynamic
${envLines('// ')}
// Module state (the dedupe, the key-set cache) lives per server instance: share the dedupe through
// your database when several instances run.
${IMPORTS('ts', '')}

export const runtime = 'nodejs'; // node:crypto verifies the Ed25519 signatures
export const dynamic = 'force-dynamic';

${verifier('ts')}

${handleEventFunction('ts')}

export async function POST(request: Request): Promise<Response> {
  // The raw bytes, never request.json(): the signature covers the body exactly as sent.
  const raw = Buffer.from(await request.arrayBuffer());
  if (raw.length > MAX_BODY_BYTES) return Response.json({ error: 'body too large' }, { status: 413 });
  const result = await verifyDelivery((name) => request.headers.get(name) ?? undefined, raw);
  if (!result.ok) return Response.json({ error: result.reason }, { status: result.status });
  if (!firstDelivery(result.id)) return Response.json({ status: 'duplicate' }); // a retry: not processed again
  // Answer at once, work afterwards. On a serverless host, wrap this in after() from 'next/server'
  // (Next.js 15.1+) so the work outlives the response.
  setTimeout(() => void handleEvent(result.id, result.event).catch((error: unknown) => console.error(\`\${result.id}: \`, error)), 0);
  return Response.json({ status: 'received' });
}
`;
}
