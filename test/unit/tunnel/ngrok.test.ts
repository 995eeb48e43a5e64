import * as assert from 'node:assert/strict';
import { findNgrokTunnel, pickTunnel, tunnelTarget } from '../../../src/core/tunnel/ngrok';
import { closedPort, startNgrokAgent, tunnelsAnswer } from './ngrokAgent';

const json = (body: string) => (res: import('node:http').ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);

describe('ngrok: the agent local API tunnel to the receiver port', () => {
  it('reads the https tunnel that forwards to the receiver port from a real-shaped /api/tunnels answer', async () => {
    const agent = await startNgrokAgent(
      json(
        tunnelsAnswer(
          { public_url: 'https://other.ngrok-free.app', addr: 'http://localhost:3000', name: 'app' },
          { public_url: 'http://plain.ngrok-free.app', proto: 'http', addr: 'http://localhost:8788', name: 'plain' },
          { public_url: 'https://abc123.ngrok-free.app', addr: 'http://localhost:8788', name: 'receiver' },
        ),
      ),
    );
    try {
      const found = await findNgrokTunnel({ port: 8788, host: '127.0.0.1', apiBase: agent.base });
      assert.deepEqual(found, { ok: true, url: 'https://abc123.ngrok-free.app/', name: 'receiver' });
      assert.deepEqual(agent.requests, ['GET /api/tunnels']);
      const none = await findNgrokTunnel({ port: 9999, apiBase: agent.base });
      assert.deepEqual(none, { ok: false, reason: 'no ngrok https tunnel forwards to port 9999 (3 tunnels running)' });
    } finally {
      await agent.close();
    }
  });

  it('understands every form of config.addr ngrok writes, and only local upstreams over http', () => {
    assert.deepEqual(tunnelTarget('http://localhost:8788'), { host: 'localhost', port: 8788 });
    assert.deepEqual(tunnelTarget('localhost:8788'), { host: 'localhost', port: 8788 });
    assert.deepEqual(tunnelTarget('8788'), { host: 'localhost', port: 8788 });
    assert.deepEqual(tunnelTarget(8788), { host: 'localhost', port: 8788 });
    assert.deepEqual(tunnelTarget('127.0.0.1:8788'), { host: '127.0.0.1', port: 8788 });
    assert.deepEqual(tunnelTarget('http://[::1]:8788'), { host: '[::1]', port: 8788 });
    assert.deepEqual(tunnelTarget('http://localhost'), { host: 'localhost', port: 80 });
    for (const addr of ['https://localhost:8788', 'file:///srv', '', 'not a host:port:x', undefined, null, { port: 8788 }])
      assert.equal(tunnelTarget(addr), undefined, String(addr));
    const answer = (addr: string) => tunnelsAnswer({ public_url: 'https://t.ngrok.app', addr });
    for (const addr of ['http://localhost:8788', 'localhost:8788', '8788', '127.0.0.1:8788', 'http://[::1]:8788'])
      assert.equal(pickTunnel(answer(addr), 8788).ok, true, addr);
    // Another machine's port 8788 is not this receiver, unless the receiver listens on that address.
    assert.equal(pickTunnel(answer('192.168.1.7:8788'), 8788).ok, false);
    assert.equal(pickTunnel(answer('192.168.1.7:8788'), 8788, '192.168.1.7').ok, true);
    assert.equal(pickTunnel(answer('https://localhost:8788'), 8788).ok, false);
  });

  it('ignores garbage: not JSON, the wrong shape, wrong types, a non-https public_url, an error status', async () => {
    for (const [body, reason] of [
      ['<html>ngrok</html>', 'the ngrok API did not answer JSON'],
      ['', 'the ngrok API did not answer JSON'],
      ['null', 'the ngrok API answer has no tunnels list'],
      ['[]', 'the ngrok API answer has no tunnels list'],
      ['{"tunnels":{"a":1}}', 'the ngrok API answer has no tunnels list'],
    ] as const) {
      const agent = await startNgrokAgent(json(body));
      try {
        assert.deepEqual(await findNgrokTunnel({ port: 8788, apiBase: agent.base }), { ok: false, reason });
      } finally {
        await agent.close();
      }
    }
    const odd = JSON.stringify({
      tunnels: [
        null,
        7,
        { public_url: 42, proto: 'https', config: { addr: '8788' } },
        { public_url: 'https://x.ngrok.app', proto: 'https' },
        { public_url: 'https://x.ngrok.app', proto: 'https', config: 'localhost:8788' },
        { public_url: 'javascript:alert(1)', proto: 'https', config: { addr: '8788' } },
        { public_url: 'tcp://0.tcp.ngrok.io:12345', proto: 'tcp', config: { addr: '8788' } },
        { public_url: 'https://user:pw@x.ngrok.app', proto: 'https', config: { addr: '8788' } },
      ],
    });
    assert.deepEqual(pickTunnel(odd, 8788), { ok: false, reason: 'no ngrok https tunnel forwards to port 8788 (8 tunnels running)' });
    const failing = await startNgrokAgent((res) => res.writeHead(502).end('bad gateway'));
    try {
      assert.deepEqual(await findNgrokTunnel({ port: 8788, apiBase: failing.base }), { ok: false, reason: 'the ngrok API answered 502' });
    } finally {
      await failing.close();
    }
  });

  it('stops reading a huge answer at the bound, and says so', async () => {
    const agent = await startNgrokAgent((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"tunnels":[');
      const chunk = `${JSON.stringify({ public_url: 'https://x.ngrok.app', proto: 'https', config: { addr: '1' } })},`.repeat(200);
      const timer = setInterval(() => (res.writableNeedDrain ? undefined : res.write(chunk)), 1);
      res.on('close', () => clearInterval(timer));
    });
    try {
      const found = await findNgrokTunnel({ port: 8788, apiBase: agent.base, maxBytes: 64 * 1024, timeoutMs: 5000 });
      assert.deepEqual(found, { ok: false, reason: 'the ngrok API answer is larger than 65536 bytes' });
    } finally {
      await agent.close();
    }
  });

  it('gives up on a slow agent after the deadline, and on one that answers headers but never ends the body', async () => {
    const silent = await startNgrokAgent(() => undefined);
    const trickle = await startNgrokAgent((res) => res.writeHead(200).write('{"tunnels":['));
    try {
      for (const agent of [silent, trickle]) {
        // Neither agent ever finishes: without the deadline this would wait until mocha gives up.
        const found = await findNgrokTunnel({ port: 8788, apiBase: agent.base, timeoutMs: 300 });
        assert.deepEqual(found, { ok: false, reason: 'the ngrok API did not answer within 300 ms' });
      }
    } finally {
      await silent.close();
      await trickle.close();
    }
  });

  it('answers "no agent" when nothing listens, and never asks anything but loopback', async () => {
    const port = await closedPort();
    assert.deepEqual(await findNgrokTunnel({ port: 8788, apiBase: `http://127.0.0.1:${port}` }), {
      ok: false,
      reason: `no ngrok agent API at http://127.0.0.1:${port} (ECONNREFUSED)`,
    });
    for (const base of ['http://example.com:4040', 'https://127.0.0.1:4040', 'not a url', 'http://10.0.0.1:4040'])
      assert.deepEqual(await findNgrokTunnel({ port: 8788, apiBase: base }), { ok: false, reason: `the ngrok API address ${base} is not a loopback http URL` });
  });
});
