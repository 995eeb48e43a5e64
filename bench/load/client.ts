/**
 * The load generator, run in a process of its own (forked by ./index.ts) so that it never shares an
 * event loop — or, as far as two cores allow, a core — with the server under test. It reads a file of
 * requests made (and signed) beforehand, one JSON object per line, sends each exactly once with
 * autocannon (32 connections, no pipelining, bounded by count), and reports the result with the CPU
 * time this process spent during the run, so that a reader can tell whether the client was the limit.
 */
import { readFileSync } from 'node:fs';

/** One request of a load file: `POST <path>` with these headers and body. */
export interface LoadRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface LoadJob {
  readonly url: string;
  readonly file: string;
  readonly connections: number;
  readonly amount: number;
  readonly timeoutSeconds: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** CPU time of this process during the run, as a share of one core (1 = one core busy all along). */
  readonly clientCpu: number;
}

// autocannon ships no types: the slice of its API used here.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}
interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

async function run(job: LoadJob): Promise<LoadResult> {
  const list = readFileSync(job.file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const r = JSON.parse(line) as LoadRequest;
      return { method: 'POST', path: r.path, headers: r.headers, body: Buffer.from(r.body) };
    });
  if (list.length < job.amount) throw new Error(`the load file has ${list.length} requests, ${job.amount} asked for`);
  let next = 0;
  // Each call hands out the next request made beforehand: every request is sent once, none is built here.
  const setupRequest = (req: AutocannonRequest): AutocannonRequest => {
    const r = list[next++ % list.length];
    req.method = r.method;
    req.path = r.path;
    req.headers = r.headers;
    req.body = r.body;
    return req;
  };
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    pipelining: 1,
    amount: job.amount,
    timeout: job.timeoutSeconds,
    requests: [{ method: 'POST', setupRequest }],
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return {
    requests: result.requests.total,
    seconds,
    rps: seconds > 0 ? result.requests.total / seconds : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

process.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send?.({ result }),
    (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }),
  );
});
