import * as assert from 'node:assert/strict';
import { createServer, Server } from 'node:net';
import { canListen, freePortNear } from '../../../src/core/receiver/freePort';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('a free port to offer when the receiver port is taken', () => {
  it('skips taken ports and offers the next free one', async () => {
    const first = await listen(0);
    const base = (first.address() as { port: number }).port;
    const servers = [first];
    try {
      if (await canListen('127.0.0.1', base + 1)) servers.push(await listen(base + 1));
      assert.equal(await canListen('127.0.0.1', base), false);
      const offered = await freePortNear('127.0.0.1', base);
      assert.ok(offered !== undefined && offered > base + (servers.length - 1), `offered ${offered}`);
      assert.equal(await canListen('127.0.0.1', offered), true);
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  });
});
