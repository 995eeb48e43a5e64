/**
 * The Python scaffolds' Redis variant (`--store redis`) as a fleet, against a real redis-server: two
 * instances that both receive every delivery process each event once; Redis killed → 503 (with
 * Retry-After), Redis back empty → the sender's retry is processed once; an instance killed with -9
 * while holding entries → another instance claims and processes them after the idle time.
 * Flask runs under gunicorn, FastAPI under uvicorn, as their users deploy them.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ProbeKeys, ProbeKeyServer, startProbeKeyServer } from '../../../src/core/probe';
import { newSecret } from '../../unit/verify/fixtures';
import { redisQuery, RedisServer, startRedisServer } from '../harness/redisServer';
import {
  crash,
  expectProcessedOnce,
  HandlerConfig,
  linesWith,
  mixedDeliveries,
  post,
  PythonFramework,
  PythonServer,
  RunningHandler,
  staticDelivery,
  startHandler,
  writeHandler,
} from './pythonStack';

const AUDIENCE = 'https://app.example/gemini-callback';
const HANDLE_EVENT =
  'def handle_event(msg_id: str, event: dict) -> None:\n    """Your work, after the 2xx has been sent. Unknown types are expected: new ones appear over time."""\n';

/** A handler whose work never ends: what it takes from the stream stays pending while it lives. */
function stuck(content: string): string {
  assert.ok(content.includes(HANDLE_EVENT), 'handle_event is where the test expects it');
  return content.replace(HANDLE_EVENT, `${HANDLE_EVENT}    time.sleep(3600)  # the test: work that never ends\n`);
}

describe('Python scaffolds on Redis: a fleet processes each event once, through outages and crashes', function () {
  this.timeout(240_000);
  const secret = newSecret();
  let keyServer: ProbeKeyServer;
  let redis: RedisServer;
  let root: string;
  const running: RunningHandler[] = [];

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'gw-py-fleet-'));
    keyServer = await startProbeKeyServer({ keys: await ProbeKeys.generate(), port: 0 });
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((h) => h.stop()));
  });
  after(async () => {
    await keyServer?.close();
    await redis?.close();
    rmSync(root, { recursive: true, force: true });
  });

  for (const framework of ['flask', 'fastapi'] as PythonFramework[]) {
    const server: PythonServer = framework === 'flask' ? { kind: 'gunicorn', workers: 1 } : { kind: 'uvicorn' };
    const label = framework === 'flask' ? 'Flask (gunicorn)' : 'FastAPI (uvicorn)';

    async function instance(name: string, prefix: string, extra: Record<string, string> = {}, edit?: (c: string) => string): Promise<RunningHandler> {
      const config: HandlerConfig = {
        secret,
        jwksUri: keyServer.url,
        audience: AUDIENCE,
        redisUrl: redis.url,
        extra: { GEMINI_WEBHOOK_REDIS_PREFIX: prefix, ...extra },
      };
      const handler = await startHandler(writeHandler(root, `${framework}-${name}`, framework, 'redis', edit), server, config);
      running.push(handler);
      return handler;
    }

    it(`${label}: two instances receive every delivery, each event is processed once`, async () => {
      const prefix = `${framework}-pair`;
      const [a, b] = await Promise.all([instance('pair-a', prefix), instance('pair-b', prefix)]);
      const deliveries = mixedDeliveries(15, secret, keyServer.keys, AUDIENCE);
      const answers = await Promise.all(deliveries.flatMap((d) => [post(a.url, d), post(b.url, d)]));
      assert.deepEqual(
        answers.map((x) => x.status).filter((s) => s !== 200),
        [],
      );
      await expectProcessedOnce(
        () => a.output() + b.output(),
        deliveries.map((d) => d.id),
      );
    });

    it(`${label}: Redis killed → 503 with Retry-After; back empty → the retry is processed once`, async () => {
      const a = await instance('outage', `${framework}-outage`);
      const before = staticDelivery(secret);
      assert.equal((await post(a.url, before)).status, 200);
      await expectProcessedOnce(a.output, [before.id]);

      await redis.kill();
      const during = staticDelivery(secret);
      const refused = await post(a.url, during);
      assert.equal(refused.status, 503, refused.text);
      assert.ok(refused.headers['retry-after'], 'a 503 says when to retry');
      await new Promise((r) => setTimeout(r, 3_000)); // the consumer retries meanwhile

      await redis.restart();
      const retried = await post(a.url, during);
      assert.equal(retried.status, 200, retried.text);
      const after = staticDelivery(secret, 'batch.failed');
      assert.equal((await post(a.url, after)).status, 200);
      await expectProcessedOnce(a.output, [before.id, during.id, after.id]);
      const outageLines = linesWith(a.output(), 'Redis cannot be reached');
      assert.ok(outageLines.length >= 1 && outageLines.length <= 2, `one line per outage and side, not per attempt:\n${outageLines.join('\n')}`);
    });

    it(`${label}: an instance killed with -9 while holding entries → another processes them after the idle time`, async () => {
      const prefix = `${framework}-crash`;
      const idle = { GEMINI_WEBHOOK_CLAIM_IDLE_MS: '1500' };
      const doomed = await instance('crash-a', prefix, idle, stuck);
      const held = mixedDeliveries(4, secret, keyServer.keys, AUDIENCE);
      for (const d of held) assert.equal((await post(doomed.url, d)).status, 200);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const pending = (await redisQuery(redis.port, ['XPENDING', `${prefix}:events`, prefix]).catch(() => [0])) as [number];
        if (pending[0] >= 1) break;
        if (Date.now() > deadline) assert.fail(`the stuck instance never took an entry:\n${doomed.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      await crash(doomed);

      const survivor = await instance('crash-b', prefix, idle);
      const more = mixedDeliveries(2, secret, keyServer.keys, AUDIENCE);
      for (const d of more) assert.equal((await post(survivor.url, d)).status, 200);
      await expectProcessedOnce(
        survivor.output,
        [...held, ...more].map((d) => d.id),
      );
      assert.match(survivor.output(), /claimed \d+ event\(s\) a stopped consumer left/);
      assert.deepEqual(
        held.filter((d) => doomed.output().includes(d.id)),
        [],
        'the killed instance processed none',
      );
    });
  }
});
