/**
 * How the Python scaffolds fetch the key set of dynamic deliveries, against a key server that fails in
 * every way it can: a set that never loaded is fetched at most once per cooldown (500, not JSON, a
 * redirect, too large — alike), so forged deliveries cannot make the handler hammer it; their 503 names
 * no URL (nor its ?token=); a key server that never answers costs one short fetch, and static deliveries
 * never wait behind it; RS256 from an RSA key under 2048 bits is refused.
 */
import * as assert from 'node:assert/strict';
import { generateKeyPairSync, KeyObject, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { newEd25519Key, newKey, newSecret, signedDynamic, signedV1a } from '../../unit/verify/fixtures';
import { post, PythonFramework, PythonServer, RunningHandler, staticDelivery, startHandler, writeHandler } from './pythonStack';

type Mode = 'keys' | 'status-500' | 'not-json' | 'redirect' | 'too-large' | 'silent';

/** A key server on loopback that answers as `mode` says, counting requests and connections. */
class KeySetServer {
  mode: Mode = 'keys';
  jwks: { keys: object[] } = { keys: [] };
  requests = 0;
  connections = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((_req, res) => {
      this.requests++;
      switch (this.mode) {
        case 'keys':
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.jwks));
        case 'status-500':
          return void res.writeHead(500).end('no');
        case 'not-json':
          return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>maintenance</html>');
        case 'redirect':
          return void res.writeHead(302, { location: `http://127.0.0.1:${this.port}/moved.json` }).end();
        case 'too-large':
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(`{"keys": [], "pad": "${'x'.repeat(4 * 1024 * 1024)}"}`);
        case 'silent':
          return; // never answers
      }
    });
    this.server.on('connection', (socket: Socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(query = ''): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json${query}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const AUDIENCE = 'https://app.example/gemini-callback';

/** Dynamic deliveries no key of any set signed: half v1a, half JWT. */
async function forgeries(count: number): Promise<Array<{ headers: Record<string, string>; body: string }>> {
  const ed = newEd25519Key();
  const rsa = await newKey();
  return Promise.all(
    Array.from({ length: count }, (_, i) => (i % 2 === 0 ? signedV1a([ed]) : signedDynamic(rsa, undefined, Date.now(), undefined, { audience: AUDIENCE }))),
  );
}

/** An RS256 JWT signed with node:crypto (jose refuses RSA keys under 2048 bits, as a verifier should). */
function rs256(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

describe('Python scaffolds fetch the key set sparingly, never make deliveries wait for it, and name no URL', function () {
  this.timeout(240_000);
  const secret = newSecret();
  let keySet: KeySetServer;
  let root: string;
  const running: RunningHandler[] = [];

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'gw-py-keyset-'));
    keySet = await new KeySetServer().start();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((h) => h.stop()));
  });
  after(async () => {
    await keySet?.close();
    rmSync(root, { recursive: true, force: true });
  });

  for (const framework of ['flask', 'fastapi'] as PythonFramework[]) {
    const server: PythonServer = framework === 'flask' ? { kind: 'flask-run' } : { kind: 'uvicorn' };
    const label = framework === 'flask' ? 'Flask' : 'FastAPI';

    async function handler(name: string, jwksUri: string): Promise<RunningHandler> {
      const h = await startHandler(writeHandler(root, `${framework}-${name}`, framework, 'memory'), server, { secret, jwksUri, audience: AUDIENCE });
      running.push(h);
      return h;
    }

    for (const mode of ['status-500', 'not-json', 'redirect', 'too-large'] as Mode[]) {
      it(`${label}: a key set that answers ${mode} is fetched once for 20 forgeries; the 503 names no URL nor token`, async () => {
        keySet.mode = mode;
        keySet.requests = 0;
        const token = `s3cr3t-${randomUUID()}`;
        const h = await handler(mode, keySet.url(`?token=${token}`));
        for (const round of [1, 2]) {
          const answers = await Promise.all((await forgeries(10)).map((d) => post(h.url, { headers: d.headers, body: Buffer.from(d.body) })));
          for (const a of answers) {
            assert.equal(a.status, 503, `round ${round}: ${a.text}`);
            assert.ok(a.headers['retry-after'], 'a 503 says when to retry');
            assert.ok(!a.text.includes(token) && !a.text.includes(String(keySet.port)), `the answer names the key set: ${a.text}`);
          }
        }
        assert.equal(keySet.requests, 1, 'fetched once, then not again within the cooldown');
        assert.ok(!h.output().includes(token), 'no token in the log');
        assert.match(h.output(), /the key set at \S+ cannot be read/);
        assert.equal((await post(h.url, staticDelivery(secret))).status, 200, 'static deliveries need no key set');
      });
    }

    it(`${label}: a key server that never answers costs one short fetch; a static delivery does not wait for it`, async () => {
      keySet.mode = 'silent';
      keySet.connections = 0;
      const h = await handler('silent', keySet.url());
      let forgeriesAnswered = 0;
      const pending = (await forgeries(6)).map((d) =>
        post(h.url, { headers: d.headers, body: Buffer.from(d.body) }).then((a) => {
          forgeriesAnswered++;
          return a;
        }),
      );
      for (const deadline = Date.now() + 30_000; keySet.connections === 0;) {
        if (Date.now() > deadline) assert.fail('the handler never fetched the key set');
        await new Promise((r) => setTimeout(r, 20));
      }
      const genuine = await post(h.url, staticDelivery(secret));
      assert.equal(genuine.status, 200);
      assert.equal(forgeriesAnswered, 0, 'the static delivery was answered while the key-set fetch still hung');
      for (const a of await Promise.all(pending)) assert.equal(a.status, 503, a.text);
      const again = await Promise.all((await forgeries(6)).map((d) => post(h.url, { headers: d.headers, body: Buffer.from(d.body) })));
      assert.deepEqual(
        again.map((a) => a.status),
        Array(6).fill(503),
      );
      assert.equal(keySet.connections, 1, 'one fetch for twelve forgeries');
    });

    it(`${label}: RS256 from an RSA key under 2048 bits is refused; from a 2048-bit key accepted`, async () => {
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const strong = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = (k: KeyObject, kid: string) => ({ ...(k.export({ format: 'jwk' }) as object), kid, use: 'sig', alg: 'RS256' });
      keySet.mode = 'keys';
      keySet.jwks = { keys: [jwk(weak.publicKey, 'weak'), jwk(strong.publicKey, 'strong')] };
      const h = await handler('rsa', keySet.url());
      const deliver = (key: KeyObject, kid: string) => {
        const id = `msg_${randomUUID()}`;
        const ts = Math.floor(Date.now() / 1000);
        const body = Buffer.from(JSON.stringify({ type: 'batch.succeeded', data: {} }));
        const token = rs256(key, kid, { aud: AUDIENCE, iat: ts, exp: ts + 300 });
        return post(h.url, {
          headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': token },
          body,
        });
      };
      assert.equal((await deliver(weak.privateKey, 'weak')).status, 401);
      assert.equal((await deliver(strong.privateKey, 'strong')).status, 200);
      assert.match(h.output(), /RSA key weak skipped: 1024 bits, 2048 at least/);
    });
  }
});
