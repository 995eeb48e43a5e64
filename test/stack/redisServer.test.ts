/**
 * The stack tier's own Redis harness: a real redis-server on a free loopback port that a test can
 * crash (SIGKILL) and bring back on the same port. The handler fleet tests rely on exactly this.
 */
import * as assert from 'node:assert/strict';
import { redisCommand, RedisServer, startRedisServer } from './harness/redisServer';

describe('stack harness: a real redis-server on loopback', function () {
  let redis: RedisServer | undefined;
  afterEach(async () => {
    await redis?.close();
    redis = undefined;
  });

  it('answers on its own free port, refuses once killed, and comes back empty on the same port', async () => {
    redis = await startRedisServer();
    assert.equal(await redisCommand(redis.port, 'SET gw:probe 1'), '+OK');
    assert.equal(await redisCommand(redis.port, 'GET gw:probe'), '$1');
    await redis.kill();
    await assert.rejects(redisCommand(redis.port, 'PING', 500));
    await redis.restart();
    assert.equal(await redisCommand(redis.port, 'PING'), '+PONG');
    assert.equal(await redisCommand(redis.port, 'GET gw:probe'), '$-1', 'no persistence unless asked');
  });

  it('keeps its data across a crash when asked for an append-only file', async () => {
    redis = await startRedisServer({ appendonly: true });
    assert.equal(await redisCommand(redis.port, 'SET gw:kept 1'), '+OK');
    await redis.kill();
    await redis.restart();
    assert.equal(await redisCommand(redis.port, 'GET gw:kept'), '$1');
  });
});
