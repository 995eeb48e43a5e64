/**
 * Random and malformed requests for fuzzing the receiver (shared by the unit-tier fuzz test and
 * test/load/receiver-fuzz.ts). None of them carries a valid signature — or, carrying one, it also
 * carries an Origin header (a browser's request), which must be refused as well: every one must be
 * rejected. Besides random bytes and mutated deliveries: deep nesting (up to 100,000 levels), repeated
 * headers, huge fields (type, user_metadata, ids, query, header values up to and past Node's limit)
 * and Origin headers. Seeded, so a failing case can be reproduced.
 */
import { randomUUID } from 'node:crypto';
import { signStatic } from '../../src/core/verify/staticVerifier';

export interface FuzzCase {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Send as raw bytes over TCP instead of through an HTTP client. */
  raw?: Buffer;
}

/** mulberry32: a small, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FuzzGenerator {
  private readonly rand: () => number;

  constructor(
    seed: number,
    private readonly path: string,
    /** A secret the receiver knows: mutations of deliveries it signed must still fail. */
    private readonly secret: string,
    /** A valid JWT delivery maker (optional): its mutations must fail too. */
    private readonly validJwt?: () => { headers: Record<string, string>; body: string },
  ) {
    this.rand = prng(seed);
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  private bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  private text(n: number): string {
    const alphabet = 'abcXYZ019.,_-=+/ {}[]":\\\n\t\u00e9\u2713';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  private validStatic(): { headers: Record<string, string>; body: string } {
    const body = JSON.stringify({ type: 'batch.succeeded', version: 'v1', timestamp: new Date().toISOString(), data: { id: `b_${this.int(1e9)}` } });
    const id = `msg_${randomUUID()}`;
    const ts = Math.floor(Date.now() / 1000);
    return {
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signStatic(this.secret, id, ts, Buffer.from(body)),
      },
      body,
    };
  }

  /** Flips one character at a position that changes the decoded bytes (not padding bits at the end). */
  private flip(s: string, from = 0, to = s.length - 4): string {
    const i = from + this.int(Math.max(1, to - from));
    const c = s[i];
    const replacement = c === 'A' ? 'B' : 'A';
    return s.slice(0, i) + replacement + s.slice(i + 1);
  }

  /** A raw HTTP/1.1 request with these header lines (repeats allowed), as a client that sends them must. */
  private rawRequest(headers: readonly (readonly [string, string])[], body: string | Buffer, path = this.path): Buffer {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    const head = [`POST ${path} HTTP/1.1`, 'host: 127.0.0.1', ...headers.map(([n, v]) => `${n}: ${v}`), `content-length: ${b.length}`, '', ''].join('\r\n');
    return Buffer.concat([Buffer.from(head, 'latin1'), b]);
  }

  private nested(depth: number): string {
    return this.int(2) === 0 ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
  }

  /** Issue 12's cases: deep nesting, repeated headers, huge fields, Origin headers. */
  private storeCase(r: number, base: FuzzCase): FuzzCase {
    switch (r) {
      case 14: {
        const depth = this.pick([64, 1_000, 6_000, 30_000, 100_000]);
        const where = this.int(3);
        const body =
          where === 0
            ? `{"type":"batch.succeeded","version":"v1","user_metadata":${this.nested(depth)},"data":{}}`
            : where === 1
              ? `{"type":"batch.succeeded","data":${this.nested(depth)}}`
              : this.nested(depth);
        const v = this.validStatic();
        // Signed by the receiver's secret, then one signature byte changed: deep bodies must be rejected cleanly too.
        return {
          ...base,
          kind: 'deep nesting',
          headers: {
            ...v.headers,
            'webhook-signature': this.flip(signStatic(this.secret, v.headers['webhook-id'], Number(v.headers['webhook-timestamp']), Buffer.from(body)), 3, 40),
          },
          body: Buffer.from(body),
        };
      }
      case 15: {
        const v = this.validStatic();
        const id = v.headers['webhook-id'];
        const variant = this.int(4);
        const lines: [string, string][] = [['content-type', 'application/json']];
        if (variant === 0) {
          // The valid signature among many foreign ones, but the id sent twice (joined as "id, id"): the signed content differs.
          lines.push(['webhook-id', id], ['webhook-id', id], ['webhook-timestamp', v.headers['webhook-timestamp']]);
          for (let i = 0; i < 1 + this.int(40); i++) lines.push(['webhook-signature', `v1,${this.bytes(32).toString('base64')}`]);
          lines.push(['webhook-signature', v.headers['webhook-signature']]);
        } else if (variant === 1) {
          lines.push(['webhook-id', id], ['webhook-timestamp', v.headers['webhook-timestamp']], ['webhook-timestamp', v.headers['webhook-timestamp']]);
          lines.push(['webhook-signature', v.headers['webhook-signature']]);
        } else if (variant === 2) {
          // Repeated content-length: Node refuses the request.
          return { ...base, kind: 'repeated headers', raw: Buffer.concat([this.rawRequest([...lines, ['content-length', '2']], '{}')]) };
        } else {
          lines.push(['webhook-id', id], ['webhook-timestamp', v.headers['webhook-timestamp']]);
          for (let i = 0; i < 200 + this.int(800); i++) lines.push([`x-repeat-${this.int(5)}`, this.text(20).replace(/[^\x21-\x7e]/g, '_')]);
          lines.push(['webhook-signature', `v1,${this.bytes(32).toString('base64')}`]);
        }
        return { ...base, kind: 'repeated headers', raw: this.rawRequest(lines, v.body) };
      }
      case 16: {
        const v = this.validStatic();
        const variant = this.int(6);
        const junkSig = { ...v.headers, 'webhook-signature': `v1,${this.bytes(32).toString('base64')}` };
        if (variant === 0)
          return {
            ...base,
            kind: 'huge fields',
            headers: junkSig,
            body: Buffer.from(JSON.stringify({ type: 't'.repeat(100_000 + this.int(800_000)), data: {} })),
          };
        if (variant === 1)
          return {
            ...base,
            kind: 'huge fields',
            headers: junkSig,
            body: Buffer.from(JSON.stringify({ type: 'batch.succeeded', user_metadata: { blob: 'm'.repeat(100_000 + this.int(800_000)) }, data: {} })),
          };
        if (variant === 2)
          return { ...base, kind: 'huge fields', headers: { ...junkSig, 'webhook-id': 'i'.repeat(4_000 + this.int(8_000)) }, body: Buffer.from(v.body) };
        if (variant === 3)
          return { ...base, kind: 'huge fields', path: `${this.path}?${'q'.repeat(2_000 + this.int(10_000))}`, headers: junkSig, body: Buffer.from(v.body) };
        // A header value just under Node's 16 KiB limit for all headers, or past it (431).
        const size = variant === 4 ? 12_000 + this.int(3_000) : 17_000 + this.int(30_000);
        return {
          ...base,
          kind: 'huge fields',
          raw: this.rawRequest([...Object.entries(junkSig), ['x-pad', 'p'.repeat(size)]], v.body),
        };
      }
      default: {
        // A correctly signed delivery sent by a browser: refused for its Origin, before it is verified or stored.
        const v = this.validJwt && this.int(3) === 0 ? this.validJwt() : this.validStatic();
        const origin = this.pick(['https://evil.example', 'null', 'http://localhost:3000', 'file://', 'http://127.0.0.1:8788', '']);
        return { ...base, kind: 'origin header', method: this.pick(['POST', 'POST', 'OPTIONS']), headers: { ...v.headers, origin }, body: Buffer.from(v.body) };
      }
    }
  }

  next(): FuzzCase {
    const r = this.int(18);
    const base: FuzzCase = { kind: '', method: 'POST', path: this.path, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') };
    switch (r) {
      case 0:
        return { ...base, kind: 'random bytes', body: this.bytes(this.int(2000)) };
      case 1:
        return { ...base, kind: 'random text', body: Buffer.from(this.text(this.int(500))) };
      case 2:
        return {
          ...base,
          kind: 'random headers',
          headers: {
            'webhook-id': this.text(1 + this.int(40)).replace(/[^\x21-\x7e]/g, '_'),
            'webhook-timestamp': String(this.int(2e9)),
            'webhook-signature': `v1,${this.bytes(32).toString('base64')}`,
          },
          body: Buffer.from('{"type":"x"}'),
        };
      case 3:
        return {
          ...base,
          kind: 'jwt-shaped garbage',
          headers: {
            'webhook-id': 'm',
            'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
            'webhook-signature': `${this.bytes(20).toString('base64url')}.${this.bytes(30).toString('base64url')}.${this.bytes(64).toString('base64url')}`,
          },
        };
      case 4:
        return { ...base, kind: 'wrong method', method: this.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) };
      case 5:
        return { ...base, kind: 'wrong path', path: `/${this.text(10).replace(/[^a-z0-9]/gi, 'x')}` };
      case 6: {
        const v = this.validStatic();
        const body = Buffer.from(v.body);
        body[this.int(body.length)] ^= 1 << this.int(8);
        return { ...base, kind: 'body bit flip', headers: v.headers, body };
      }
      case 7: {
        const v = this.validStatic();
        return {
          ...base,
          kind: 'signature flip',
          headers: { ...v.headers, 'webhook-signature': this.flip(v.headers['webhook-signature'], 3, 40) },
          body: Buffer.from(v.body),
        };
      }
      case 8: {
        const v = this.validStatic();
        return {
          ...base,
          kind: 'timestamp moved',
          headers: { ...v.headers, 'webhook-timestamp': String(Number(v.headers['webhook-timestamp']) + 1 + this.int(100)) },
          body: Buffer.from(v.body),
        };
      }
      case 9: {
        const v = this.validStatic();
        return { ...base, kind: 'id changed', headers: { ...v.headers, 'webhook-id': `${v.headers['webhook-id']}x` }, body: Buffer.from(v.body) };
      }
      case 10: {
        const v = this.validStatic();
        const h = { ...v.headers };
        delete h[this.pick(['webhook-id', 'webhook-timestamp', 'webhook-signature'])];
        return { ...base, kind: 'header dropped', headers: h, body: Buffer.from(v.body) };
      }
      case 11: {
        if (!this.validJwt) return { ...base, kind: 'empty body', body: Buffer.alloc(0) };
        const v = this.validJwt();
        const token = v.headers['webhook-signature'];
        const dots = [token.indexOf('.'), token.lastIndexOf('.')];
        const segment = this.int(3);
        const [from, to] = segment === 0 ? [0, dots[0] - 2] : segment === 1 ? [dots[0] + 1, dots[1] - 2] : [dots[1] + 1, token.length - 3];
        return { ...base, kind: 'jwt flip', headers: { ...v.headers, 'webhook-signature': this.flip(token, from, to) }, body: Buffer.from(v.body) };
      }
      case 12: {
        if (!this.validJwt) return { ...base, kind: 'huge body', body: Buffer.alloc(1_100_000, 0x20) };
        const v = this.validJwt();
        const body = Buffer.from(v.body);
        body[this.int(body.length)] ^= 1 << this.int(7);
        return { ...base, kind: 'jwt body flip', headers: v.headers, body };
      }
      case 13: {
        const junk = this.pick([
          Buffer.from(`POST ${this.path} HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n{}`),
          Buffer.from(`POST ${this.path} HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`),
          Buffer.concat([Buffer.from(`POST ${this.path} HTTP/1.1\r\nhost: x\r\nx-`), this.bytes(50), Buffer.from('\r\n\r\n')]),
          this.bytes(1 + this.int(300)),
          Buffer.from(`POST ${this.path} HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\n{}`),
        ]);
        return { ...base, kind: 'malformed HTTP', raw: junk };
      }
      default:
        return this.storeCase(r, base);
    }
  }
}
