/**
 * Flask and FastAPI handlers in the servers their users deploy them on: `flask run`, gunicorn (one
 * process with threads; two workers, with and without --preload), uvicorn (one process; --workers 2).
 * Each is probed --dynamic (every check must pass) and must process every valid event exactly once,
 * each sent twice at the same moment (a retry racing the original, on another worker when there are
 * several). Several workers share nothing in memory, so those runs use the Redis variant — as the
 * scaffolds' headers and docs/handler.md tell their users to.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ProbeKeys, ProbeKeyServer, startProbeKeyServer } from '../../../src/core/probe';
import { newSecret } from '../../unit/verify/fixtures';
import { RedisServer, startRedisServer } from '../harness/redisServer';
import {
  describeServer,
  expectProbePasses,
  expectProcessedOnce,
  mixedDeliveries,
  post,
  PythonFramework,
  PythonServer,
  PythonStore,
  startHandler,
  writeHandler,
} from './pythonStack';

const CASES: ReadonlyArray<{ framework: PythonFramework; store: PythonStore; server: PythonServer }> = [
  { framework: 'flask', store: 'memory', server: { kind: 'flask-run' } },
  { framework: 'flask', store: 'memory', server: { kind: 'gunicorn', workers: 1, threads: 4, preload: true } },
  { framework: 'flask', store: 'redis', server: { kind: 'gunicorn', workers: 2, preload: true } },
  { framework: 'flask', store: 'redis', server: { kind: 'gunicorn', workers: 2 } },
  { framework: 'fastapi', store: 'memory', server: { kind: 'uvicorn' } },
  { framework: 'fastapi', store: 'redis', server: { kind: 'uvicorn', workers: 2 } },
];

describe('Python scaffolds in their real servers: probed --dynamic, every valid event processed once', function () {
  this.timeout(240_000);
  const secret = newSecret();
  let keyServer: ProbeKeyServer;
  let redis: RedisServer;
  let root: string;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'gw-py-servers-'));
    keyServer = await startProbeKeyServer({ keys: await ProbeKeys.generate(), port: 0 });
    redis = await startRedisServer();
  });
  after(async () => {
    await keyServer?.close();
    await redis?.close();
    rmSync(root, { recursive: true, force: true });
  });

  CASES.forEach(({ framework, store, server }, index) => {
    it(`${framework === 'flask' ? 'Flask' : 'FastAPI'} under ${describeServer(server)} (${store})`, async () => {
      const dir = writeHandler(root, `${index}-${framework}-${store}`, framework, store);
      const handler = await startHandler(dir, server, {
        secret,
        jwksUri: keyServer.url,
        ...(store === 'redis' ? { redisUrl: redis.url, extra: { GEMINI_WEBHOOK_REDIS_PREFIX: `servers-${index}` } } : {}),
      });
      try {
        await expectProbePasses(handler.url, secret, keyServer.keys, keyServer.url, handler.output);
        const deliveries = mixedDeliveries(12, secret, keyServer.keys, handler.url);
        const answers = await Promise.all(deliveries.flatMap((d) => [post(handler.url, d), post(handler.url, d)]));
        assert.deepEqual(
          answers.filter((a) => a.status !== 200),
          [],
          handler.output().slice(-3000),
        );
        await expectProcessedOnce(
          handler.output,
          deliveries.map((d) => d.id),
        );
      } finally {
        await handler.stop();
      }
    });
  });
});
