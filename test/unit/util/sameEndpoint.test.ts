import * as assert from 'node:assert/strict';
import { sameEndpoint } from '../../../src/core/util/sameEndpoint';

describe('sameEndpoint: does a webhook point at the local receiver?', () => {
  const receiver = 'http://127.0.0.1:8788/webhooks';

  it('matches the receiver URL in its loopback spellings, with or without a trailing slash or query', () => {
    for (const uri of [
      receiver,
      'http://localhost:8788/webhooks',
      'http://[::1]:8788/webhooks/',
      'HTTP://LOCALHOST:8788/webhooks?x=1',
      ' http://127.0.0.1:8788/webhooks#a',
    ])
      assert.ok(sameEndpoint(uri, receiver), uri);
  });

  it('tells other ports, paths, schemes and hosts apart, and never matches what is not an http(s) URL', () => {
    for (const uri of [
      'http://127.0.0.1:8789/webhooks',
      'http://127.0.0.1:8788/hooks',
      'https://127.0.0.1:8788/webhooks',
      'http://example.com:8788/webhooks',
      'http://127.0.0.1/webhooks',
      'not a url',
      'ftp://127.0.0.1:8788/webhooks',
    ])
      assert.ok(!sameEndpoint(uri, receiver), uri);
    assert.ok(sameEndpoint('https://example.com/x', 'https://example.com:443/x/'));
  });
});
