/**
 * A second process writing a history file, as a second VS Code window does: opens the history,
 * appends N records (seqs from the shared counter), optionally spread over a time, flushes, and
 * prints one JSON line `{ "seqs": [...], "ids": [...] }`. Used by the unit tier and test/load/store-load.ts.
 *
 *   node out/test/load/historyWriter.js FILE N [TAG=writer] [SPREAD_MS=0] [SIZE=1000]
 */
import { History } from '../../src/core/receiver/history';
import type { ReceivedDelivery } from '../../src/core/receiver/types';

export function writerRecord(seq: number, tag: string, i: number): ReceivedDelivery {
  return {
    seq,
    receivedAt: new Date().toISOString(),
    method: 'POST',
    path: '/webhooks',
    headers: { 'webhook-id': `${tag}_${i}` },
    body: JSON.stringify({ type: 'batch.succeeded', data: { id: `${tag}/${i}` } }),
    bodyBytes: 0,
    verdict: 'rejected',
    reason: `written by ${tag}`,
    code: 'no_secret_matched',
    scheme: 'none',
    webhookId: `${tag}_${i}`,
    latencyMs: 0,
    httpStatus: 401,
  };
}

async function main(): Promise<void> {
  const [file, n, tag = 'writer', spread = '0', size = '1000'] = process.argv.slice(2);
  const count = Number(n);
  const history = await History.open({ path: file, size: Number(size) });
  const seqs: number[] = [];
  const ids: string[] = [];
  const pause = count > 0 ? Number(spread) / count : 0;
  for (let i = 0; i < count; i++) {
    const record = history.append(writerRecord(history.nextSeq(), tag, i));
    seqs.push(record.seq);
    ids.push(record.webhookId as string);
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
  await history.flush();
  history.dispose();
  process.stdout.write(JSON.stringify({ seqs, ids }) + '\n');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
