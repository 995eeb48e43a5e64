/**
 * Handlers for the probe's tests, on 127.0.0.1:0: a correct one — `standardwebhooks`' verify over the
 * raw body with every secret, then a webhook-id dedupe — and the same with one deliberate flaw each
 * (the quiet bugs the probe exists to find), plus misbehaving servers (hang, reset, huge answer, redirect).
 */
import { createHmac, createPublicKey, JsonWebKey, KeyObject, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Flaws {
  /** Verifies JSON.stringify(JSON.parse(body)) instead of the raw bytes. */
  reserialize?: boolean;
  /** Checks the HMAC by hand and never looks at the timestamp's age. */
  noTimestampWindow?: boolean;
  /** Answers 409 to a webhook-id it has seen. */
  rejectDuplicates?: boolean;
  /** Compares only the first entry of webhook-signature. */
  firstSignatureOnly?: boolean;
  /** Answers 400 to a type it does not know. */
  knownTypesOnly?: boolean;
  /** Does the work (this long) before answering a verified delivery. */
  slowMs?: number;
  /** Body limit of 100 KB, like Express's default parsers (413 above). */
  smallBodyLimit?: boolean;
  /** Answers this status (a 5xx: an unhandled verification error) instead of 401 when no signature verifies. */
  forgeryStatus?: number;
  /** Answers 400 when webhook-signature holds an entry of a scheme other than v1. */
  v1Only?: boolean;
  /** Verifies dynamic v1a entries with the first Ed25519 key of the set only. */
  firstKeyOnly?: boolean;
  /** Decodes v1 signatures strictly and crashes (500) on one that is not base64. */
  crashOnMalformed?: boolean;
}

/** Dynamic deliveries: v1a entries verified against the JWK Set at this URL (JWTs are not, and get 401). */
export interface DynamicOptions {
  readonly jwksUri: string;
}

export type Misbehaviour = 'hang' | 'reset' | 'huge-answer' | 'redirect' | 'not-http';

export interface TestHandler {
  readonly url: string;
  readonly requests: number;
  close(): Promise<void>;
}

const KNOWN = new Set([
  'batch.succeeded',
  'batch.failed',
  'batch.expired',
  'batch.cancelled',
  'interaction.requires_action',
  'interaction.completed',
  'interaction.failed',
  'interaction.cancelled',
  'video.generated',
]);

function readRaw(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The HMAC of `${id}.${ts}.${body}` by hand (for the flawed variants that skip parts of the check). */
function manualMatch(secrets: readonly string[], headers: IncomingMessage['headers'], body: Buffer, firstOnly: boolean): boolean {
  const id = String(headers['webhook-id'] ?? '');
  const ts = String(headers['webhook-timestamp'] ?? '');
  const entries = String(headers['webhook-signature'] ?? '')
    .split(' ')
    .filter((e) => e.startsWith('v1,') || firstOnly);
  const candidates = firstOnly ? entries.slice(0, 1) : entries;
  for (const secret of secrets) {
    const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
      .update(Buffer.concat([Buffer.from(`${id}.${ts}.`), body]))
      .digest();
    for (const entry of candidates) {
      const [version, sig] = entry.split(',');
      if (version !== 'v1' || !sig) continue;
      const got = Buffer.from(sig, 'base64');
      if (got.length === expected.length && timingSafeEqual(got, expected)) return true;
    }
  }
  return false;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/gemini-callback`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/** Ed25519 keys of the set at `jwksUri`, fetched once. */
function keySet(jwksUri: string): () => Promise<KeyObject[]> {
  let keys: Promise<KeyObject[]> | undefined;
  return () =>
    (keys ??= fetch(jwksUri)
      .then((r) => r.json() as Promise<{ keys: Array<JsonWebKey & { kty: string }> }>)
      .then((set) => set.keys.filter((k) => k.kty === 'OKP').map((k) => createPublicKey({ key: k, format: 'jwk' }))));
}

/** Some v1a entry verifies `${id}.${ts}.${body}` with one of `keys`. */
function v1aMatch(keys: readonly KeyObject[], entries: readonly string[], id: string, ts: string, body: Buffer): boolean {
  const content = Buffer.concat([Buffer.from(`${id}.${ts}.`), body]);
  return entries.some((e) => keys.some((key) => verifySignature(null, content, key, Buffer.from(e.slice('v1a,'.length), 'base64'))));
}

export async function startHandler(secrets: readonly string[], flaws: Flaws = {}, dynamic?: DynamicOptions): Promise<TestHandler> {
  const webhooks = secrets.map((s) => new Webhook(s));
  const keys = dynamic ? keySet(dynamic.jwksUri) : undefined;
  const seen = new Set<string>();
  let requests = 0;
  const answer = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer((req, res) => {
    requests++;
    void (async () => {
      const raw = await readRaw(req, flaws.smallBodyLimit ? 100 * 1024 : 10 * 1024 * 1024);
      if (raw === 'too-large') return answer(res, 413, { error: 'request entity too large' });
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      if (!headers['webhook-id'] || !headers['webhook-timestamp'] || !headers['webhook-signature']) return answer(res, 400, { error: 'missing headers' });
      let payload = raw;
      if (flaws.reserialize) {
        try {
          payload = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))), 'utf8');
        } catch {
          return answer(res, 400, { error: 'not JSON' });
        }
      }
      const entries = headers['webhook-signature'].split(' ');
      if (flaws.crashOnMalformed && entries.some((e) => e.startsWith('v1,') && !/^[A-Za-z0-9+/]+={0,2}$/.test(e.slice(3)))) throw new Error('invalid base64');
      if (flaws.v1Only && entries.some((e) => !e.startsWith('v1,'))) return answer(res, 400, { error: 'unsupported signature scheme' });
      let verified = false;
      const v1a = entries.filter((e) => e.startsWith('v1a,'));
      if (keys && v1a.length > 0 && !entries.some((e) => e.startsWith('v1,'))) {
        const age = Math.abs(Date.now() / 1000 - Number(headers['webhook-timestamp']));
        const set = await keys();
        verified = age <= 300 && v1aMatch(flaws.firstKeyOnly ? set.slice(0, 1) : set, v1a, headers['webhook-id'], headers['webhook-timestamp'], raw);
      } else if (flaws.noTimestampWindow || flaws.firstSignatureOnly) {
        const age = Math.abs(Date.now() / 1000 - Number(headers['webhook-timestamp']));
        if (!flaws.noTimestampWindow && !(age <= 300)) return answer(res, 401, { error: 'timestamp outside the window' });
        verified = manualMatch(secrets, req.headers, payload, flaws.firstSignatureOnly === true);
      } else
        for (const wh of webhooks) {
          try {
            wh.verify(payload, headers);
            verified = true;
            break;
          } catch {
            // next secret
          }
        }
      if (!verified) return answer(res, flaws.forgeryStatus ?? 401, { error: 'invalid signature' });
      const event = JSON.parse(raw.toString('utf8')) as { type?: string };
      if (seen.has(headers['webhook-id'])) return answer(res, flaws.rejectDuplicates ? 409 : 200, { status: 'duplicate' });
      seen.add(headers['webhook-id']);
      if (flaws.knownTypesOnly && !KNOWN.has(event.type ?? '')) return answer(res, 400, { error: `unknown type ${event.type}` });
      if (flaws.slowMs) await new Promise((r) => setTimeout(r, flaws.slowMs));
      answer(res, 200, { status: 'ok' });
    })().catch(() => answer(res, 500, { error: 'handler crashed' }));
  });
  const url = await listen(server);
  return {
    url,
    get requests() {
      return requests;
    },
    close: closer(server),
  };
}

/** A server that misbehaves on every request. */
export async function startMisbehaving(kind: Misbehaviour): Promise<TestHandler> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    switch (kind) {
      case 'hang':
        return; // never answers
      case 'reset':
        req.socket.destroy();
        return;
      case 'redirect':
        res.writeHead(308, { location: 'https://example.com/gemini-callback' }).end();
        return;
      case 'huge-answer': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'y');
        let sent = 0;
        const pump = () => {
          while (sent < 200 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
          if (sent >= 200 * 1024 * 1024) res.end();
        };
        res.on('drain', pump);
        pump();
        return;
      }
      case 'not-http':
        req.socket.end('SSH-2.0-OpenSSH_9.2\r\n');
        return;
    }
  });
  const url = await listen(server);
  return {
    url,
    get requests() {
      return requests;
    },
    close: closer(server),
  };
}
