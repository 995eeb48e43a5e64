/** Sends fuzz cases at a receiver on loopback, bounded by count AND time; counts answers by status. */
import { connect } from 'node:net';
import { Pool } from 'undici';
import { FuzzGenerator } from './fuzzCases';

export interface FuzzReport {
  sent: number;
  accepted: number;
  byStatus: Record<string, number>;
  byKind: Record<string, number>;
  clientErrors: number;
  /** Requests that got no HTTP answer at all (client errors, raw connections closed without a status line). */
  unanswered: number;
  acceptedKinds: string[];
  elapsedMs: number;
}

export async function runFuzz(origin: string, generator: FuzzGenerator, count: number, timeLimitMs: number, concurrency = 16): Promise<FuzzReport> {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1, headersTimeout: 5_000, bodyTimeout: 5_000 });
  const { hostname, port } = new URL(origin);
  const started = Date.now();
  const report: FuzzReport = { sent: 0, accepted: 0, byStatus: {}, byKind: {}, clientErrors: 0, unanswered: 0, acceptedKinds: [], elapsedMs: 0 };
  const bump = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);
  let next = 0;
  const worker = async () => {
    while (next < count && Date.now() - started < timeLimitMs) {
      next++;
      const c = generator.next();
      report.sent++;
      bump(report.byKind, c.kind);
      try {
        if (c.raw) {
          const status = await rawExchange(hostname, Number(port), c.raw);
          bump(report.byStatus, status);
          if (status === 'raw closed') report.unanswered++;
          else if (/^raw 2/.test(status)) {
            report.accepted++;
            if (report.acceptedKinds.length < 20) report.acceptedKinds.push(c.kind);
          }
          continue;
        }
        const res = await pool.request({
          method: c.method as 'POST',
          path: c.path,
          headers: c.headers,
          body: c.method === 'GET' ? undefined : c.body,
          signal: AbortSignal.timeout(5_000),
        });
        await res.body.dump();
        bump(report.byStatus, String(res.statusCode));
        if (res.statusCode >= 200 && res.statusCode < 300) {
          report.accepted++;
          if (report.acceptedKinds.length < 20) report.acceptedKinds.push(c.kind);
        }
      } catch {
        report.clientErrors++;
        report.unanswered++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
  report.elapsedMs = Date.now() - started;
  return report;
}

/** Writes raw bytes, half-closes, and returns the status line's code (or 'closed'). */
function rawExchange(host: string, port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, host, () => socket.end(bytes));
    let text = '';
    const timer = setTimeout(() => socket.destroy(), 3_000);
    socket.on('data', (b) => (text += b.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve(m ? `raw ${m[1]}` : 'raw closed');
    });
  });
}
