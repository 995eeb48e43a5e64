/** Retries, Retry-After and the error envelope, against a scripted loopback server (real HTTP). */
import assert from 'node:assert/strict';
import { ApiError, NetworkError, RepeatedPageTokenError, RetryPolicy, WebhooksClient } from '../../../src/core/api';
import { emptyList, Loopback, unavailable } from './loopback';

const fastRetry = { initialDelayMs: 5, maxDelayMs: 20 };

describe('api client: retries and errors', () => {
  let server: Loopback | undefined;
  let client: WebhooksClient | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = server = undefined;
  });

  const start = async (script: Parameters<typeof Loopback.start>[0], retry: Partial<RetryPolicy> = fastRetry) => {
    server = await Loopback.start(script);
    client = new WebhooksClient({ baseUrl: server.url, apiVersion: 'v1beta', apiKey: async () => 'test-key-123456', retry });
    return { server, client };
  };

  it('retries a GET after 503 and answers the later 200', async () => {
    const { server, client } = await start([unavailable, unavailable, emptyList]);
    const page = await client.list();
    assert.deepEqual(page.webhooks, []);
    assert.equal(server.requests.length, 3);
    assert.ok(server.requests.every((r) => r.method === 'GET' && r.url === '/v1beta/webhooks'));
  });

  it('honours Retry-After on 429 before retrying', async () => {
    const { server, client } = await start([
      { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } } },
      emptyList,
    ]);
    const started = Date.now();
    await client.list();
    assert.equal(server.requests.length, 2);
    assert.ok(Date.now() - started >= 950, 'waited for Retry-After');
  });

  it('surfaces a 429 whose Retry-After is too long, with retryAfterSeconds', async () => {
    const { server, client } = await start([
      { status: 429, headers: { 'retry-after': '120' }, body: { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } } },
    ]);
    const error = await client.list().catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.httpStatus, 429);
    assert.equal(error.status, 'RESOURCE_EXHAUSTED');
    assert.equal(error.retryAfterSeconds, 120);
    assert.equal(server.requests.length, 1);
  });

  it('gives up after maxAttempts and throws the last error', async () => {
    const { server, client } = await start([unavailable, unavailable, unavailable, unavailable, emptyList], { ...fastRetry, maxAttempts: 3 });
    const error = await client.get('wh_1').catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.httpStatus, 503);
    assert.equal(error.status, 'UNAVAILABLE');
    assert.equal(server.requests.length, 3);
  });

  it('retries DELETE and PATCH (idempotent) on 5xx', async () => {
    const { server, client } = await start([
      unavailable,
      { status: 200, body: {} },
      { status: 502, body: 'Bad gateway' },
      { status: 200, body: { id: 'wh_1', uri: 'https://x.test', subscribed_events: ['batch.failed'], state: 'disabled' } },
    ]);
    await client.delete('wh_1');
    const updated = await client.update('wh_1', { state: 'disabled' });
    assert.equal(updated.state, 'disabled');
    assert.deepEqual(
      server.requests.map((r) => r.method),
      ['DELETE', 'DELETE', 'PATCH', 'PATCH'],
    );
  });

  for (const [label, call] of [
    ['create', (c: WebhooksClient) => c.create({ uri: 'https://x.test/h', subscribed_events: ['batch.succeeded'] })],
    ['rotate', (c: WebhooksClient) => c.rotateSigningSecret('wh_1')],
    ['ping', (c: WebhooksClient) => c.ping('wh_1')],
  ] as const) {
    it(`never retries a POST (${label}) on 503`, async () => {
      const { server, client } = await start([unavailable, { status: 200, body: {} }]);
      const error = await call(client).catch((e: unknown) => e);
      assert.ok(error instanceof ApiError);
      assert.equal(error.httpStatus, 503);
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0].method, 'POST');
    });
  }

  it('does not retry a 4xx other than 408/429', async () => {
    const { server, client } = await start([
      { status: 400, body: { error: { code: 400, message: "Invalid value at 'webhook.uri'", status: 'INVALID_ARGUMENT' } } },
      emptyList,
    ]);
    const error = await client.list().catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 'INVALID_ARGUMENT');
    assert.equal(server.requests.length, 1);
  });

  it('maps a non-JSON error body to an ApiError with a status derived from HTTP', async () => {
    const { client } = await start([{ status: 404, body: '<html>nope</html>' }]);
    const error = await client.get('wh_x').catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.httpStatus, 404);
    assert.equal(error.code, 404);
    assert.equal(error.status, 'NOT_FOUND');
    assert.equal(error.message, 'HTTP 404');
  });

  it('sends the key only in x-goog-api-key and keeps it out of errors', async () => {
    const { server, client } = await start([
      { status: 403, body: { error: { code: 403, message: 'API key not valid. Please pass a valid API key.', status: 'PERMISSION_DENIED' } } },
    ]);
    const error = await client.list().catch((e: unknown) => e);
    assert.equal(server.requests[0].headers['x-goog-api-key'], 'test-key-123456');
    assert.ok(!server.requests[0].url.includes('test-key'));
    assert.ok(error instanceof ApiError);
    assert.ok(!JSON.stringify({ m: error.message, s: error.stack }).includes('test-key-123456'));
  });

  it('aborts a slow call through its AbortSignal', async () => {
    const { client } = await start([{ status: 200, body: { webhooks: [] }, delayMs: 3000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await client.list({ signal: controller.signal }).catch((e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'AbortError');
  });

  it('aborts while waiting between retries', async () => {
    const { server, client } = await start([unavailable, emptyList], { initialDelayMs: 5000, maxDelayMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await client.list({ signal: controller.signal }).catch((e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'AbortError');
    assert.equal(server.requests.length, 1);
  });

  it('rejects at once when the signal is already aborted, sending nothing', async () => {
    const { server, client } = await start([emptyList]);
    const error = await client.list({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    assert.ok(error instanceof Error && error.name === 'AbortError');
    assert.equal(server.requests.length, 0);
  });

  it('throws NetworkError naming the host when the port is closed (after retrying a GET)', async () => {
    const { server: closed } = await start([]);
    const url = closed.url;
    await closed.close();
    const logged: string[] = [];
    const lonely = new WebhooksClient({
      baseUrl: url,
      apiVersion: 'v1beta',
      apiKey: async () => 'k-secret-value',
      retry: { ...fastRetry, maxAttempts: 2 },
      log: (l) => logged.push(l),
    });
    try {
      const error = await lonely.list().catch((e: unknown) => e);
      assert.ok(error instanceof NetworkError, String(error));
      assert.equal(error.host, new URL(url).host);
      assert.equal(error.causeCode, 'ECONNREFUSED');
      assert.equal(logged.filter((l) => l.includes('ECONNREFUSED')).length, 2);
      assert.ok(!logged.join('\n').includes('k-secret-value'));
      const post = await lonely.ping('wh_1').catch((e: unknown) => e);
      assert.ok(post instanceof NetworkError);
      assert.equal(logged.filter((l) => l.startsWith('POST')).length, 1);
    } finally {
      await lonely.close();
      server = undefined;
    }
  });

  it('reads responses in lowerCamelCase as well as snake_case', async () => {
    const { client } = await start([
      {
        status: 200,
        body: {
          webhooks: [
            {
              id: 'wh_a',
              uri: 'https://a.test',
              subscribedEvents: ['batch.failed'],
              state: 'ENABLED',
              createTime: '2026-01-01T00:00:00Z',
              signingSecrets: [{ truncatedSecret: 'whsec_ab…', expireTime: '2026-01-02T00:00:00Z' }],
            },
          ],
          nextPageToken: 'tok',
        },
      },
      {
        status: 200,
        body: { id: 'wh_b', uri: 'https://b.test', subscribedEvents: ['video.generated'], newSigningSecret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0' },
      },
    ]);
    const page = await client.list();
    assert.equal(page.nextPageToken, 'tok');
    assert.deepEqual(page.webhooks[0], {
      id: 'wh_a',
      uri: 'https://a.test',
      subscribed_events: ['batch.failed'],
      state: 'enabled',
      create_time: '2026-01-01T00:00:00Z',
      signing_secrets: [{ truncated_secret: 'whsec_ab…', expire_time: '2026-01-02T00:00:00Z' }],
    });
    const created = await client.create({ uri: 'https://b.test', subscribed_events: ['video.generated'] });
    assert.equal(created.webhook.id, 'wh_b');
    assert.equal(created.newSigningSecret, 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0');
  });

  it('a DELETE retried after its connection dropped counts a 404 as success (the first one deleted it)', async () => {
    const notFound = { status: 404, body: { error: { code: 404, message: 'Webhook not found.', status: 'NOT_FOUND' } } };
    const { server, client } = await start([{ status: 200, drop: true }, notFound]);
    await client.delete('w1');
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url}`),
      ['DELETE /v1beta/webhooks/w1', 'DELETE /v1beta/webhooks/w1'],
    );
  });

  it('a DELETE retried after a 503 counts a 404 as success; a first-try 404 is still an error', async () => {
    const notFound = { status: 404, body: { error: { code: 404, message: 'Webhook not found.', status: 'NOT_FOUND' } } };
    const { server, client } = await start([unavailable, notFound, notFound]);
    await client.delete('w2');
    assert.equal(server.requests.length, 2);
    const error = await client.delete('w3').catch((e: unknown) => e);
    assert.ok(error instanceof ApiError && error.httpStatus === 404, String(error));
  });

  it('stops listing with a clear error when the server repeats a page token', async () => {
    const page = (token: string) => ({ status: 200, body: { webhooks: [], nextPageToken: token } });
    const { server, client } = await start([page('t1'), page('t2'), page('t1'), page('t2')]);
    const seen: number[] = [];
    const error = await (async () => {
      for await (const p of client.pages()) seen.push(p.webhooks.length);
    })().catch((e: unknown) => e);
    assert.ok(error instanceof RepeatedPageTokenError, String(error));
    assert.match(error.message, /repeated a page token after 3 pages/);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(
      server.requests.map((r) => r.url),
      ['/v1beta/webhooks', '/v1beta/webhooks?page_token=t1', '/v1beta/webhooks?page_token=t2'],
    );
  });
});
