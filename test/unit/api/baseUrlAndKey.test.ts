/** The base URL and API key checks of the transport: refused before anything is sent, with clear, key-free errors. */
import assert from 'node:assert/strict';
import { ApiKeyFormatError, BaseUrlError, NetworkError, WebhooksClient, apiKeyProblem, checkBaseUrl } from '../../../src/core/api';
import { emptyList, Loopback } from './loopback';

describe('api client: base URL and API key checks', () => {
  it('accepts https anywhere and plain http only to loopback', () => {
    for (const ok of [
      'https://generativelanguage.googleapis.com',
      'https://proxy.example.com/base/',
      'http://127.0.0.1:8080',
      'http://localhost:1',
      'http://[::1]:9000',
      'http://127.8.9.10',
    ]) {
      assert.doesNotThrow(() => checkBaseUrl(ok), ok);
    }
  });

  it('refuses a non-URL, a non-http scheme, plain http to another host, and credentials, with a reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['not a url', /not a valid absolute URL/],
      ['', /not a valid absolute URL/],
      ['ftp://example.com', /must start with https:\/\/ \(not ftp:\)/],
      ['http://example.com', /plain http:\/\/ to example\.com: the API key would travel unencrypted/],
      ['http://10.0.0.5:8080', /plain http:\/\//],
      ['https://user:hunter2pass@example.com', /credentials/],
    ];
    for (const [url, reason] of cases) {
      assert.throws(
        () => new WebhooksClient({ baseUrl: url, apiVersion: 'v1beta', apiKey: async () => 'k' }),
        (e: unknown) => e instanceof BaseUrlError && reason.test(e.message) && !e.message.includes('hunter2pass'),
        url,
      );
    }
  });

  it('names what is wrong with an API key (without echoing it)', () => {
    assert.equal(apiKeyProblem('AIzaSyExample_-123'), undefined);
    assert.match(apiKeyProblem('') ?? '', /empty/);
    assert.match(apiKeyProblem('AIza abc') ?? '', /spaces or line breaks/);
    assert.match(apiKeyProblem('AIza\nabc') ?? '', /spaces or line breaks/);
    assert.match(apiKeyProblem('AIza\u0001abc') ?? '', /control characters/);
    assert.match(apiKeyProblem('AIzaé') ?? '', /visible ASCII/);
  });

  it('a key a header cannot carry is an ApiKeyFormatError, not a network error, and nothing is sent', async () => {
    const server = await Loopback.start([emptyList]);
    const key = 'AIzaBadKey\r\nX-Injected: 1';
    const client = new WebhooksClient({ baseUrl: server.url, apiVersion: 'v1beta', apiKey: async () => key, retry: { maxAttempts: 1 } });
    try {
      const error = await client.list().catch((e: unknown) => e);
      assert.ok(error instanceof ApiKeyFormatError, String(error));
      assert.ok(!(error instanceof NetworkError));
      assert.ok(!error.message.includes('AIzaBadKey'));
      assert.equal(server.requests.length, 0);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
