/**
 * Listing 1,000 webhooks (20 pages of 50) from the emulator into tree rows through the REST client
 * (`pages()` → `presentWebhook`, the per-row work of the Webhooks tree minus VS Code's TreeItem),
 * beside a raw-HTTP loop (undici.request + JSON.parse over the same 20 pages) in the same run.
 * Alternating rounds; prints the median of each, and their ratio. Aim: under 1 s, within 1.5x.
 * Loopback only, bounded. Prints; asserts nothing.
 *
 *   npm run compile && node out/bench/list-webhooks.js [ROUNDS=7]
 */
import { Agent, request } from 'undici';
import { WebhooksClient } from '../src/core/api';
import { startEmulator } from '../src/core/emulator';
import { presentWebhook, WebhookRow } from '../src/extension/webhooks/tree/webhookPresentation';

const TOTAL = 1000;
const PAGE_SIZE = 50;
const ROUNDS = Math.max(3, Math.min(Number(process.argv[2] ?? 7) || 7, 50));
const KEY = 'bench-key';
const EVENTS = ['batch.succeeded', 'batch.failed', 'interaction.completed'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  const emulator = await startEmulator({ port: 0, apiKey: KEY });
  const client = new WebhooksClient({ baseUrl: emulator.url, apiVersion: 'v1beta', apiKey: async () => KEY });
  const rawAgent = new Agent({ keepAliveTimeout: 10_000, connections: 8 });
  try {
    const seedStart = performance.now();
    for (let i = 0; i < TOTAL; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, TOTAL - i) }, (_, j) =>
          client.create({ name: `bench ${i + j}`, uri: `https://bench.test/hooks/${i + j}`, subscribed_events: EVENTS }),
        ),
      );
    }
    console.log(`seeded ${TOTAL} webhooks in ${ms(performance.now() - seedStart)}`);

    const viaClient = async (): Promise<{ rows: number; pages: number }> => {
      const rows: WebhookRow[] = [];
      let pages = 0;
      for await (const page of client.pages({ pageSize: PAGE_SIZE })) {
        pages++;
        for (const w of page.webhooks) rows.push(presentWebhook(w));
      }
      return { rows: rows.length, pages };
    };

    const viaRaw = async (): Promise<{ rows: number; pages: number }> => {
      let token: string | undefined;
      let rows = 0;
      let pages = 0;
      do {
        const qs = new URLSearchParams({ page_size: String(PAGE_SIZE) });
        if (token) qs.set('page_token', token);
        const res = await request(`${emulator.url}/v1beta/webhooks?${qs}`, { headers: { 'x-goog-api-key': KEY }, dispatcher: rawAgent });
        const body = (await res.body.json()) as { webhooks?: unknown[]; next_page_token?: string };
        rows += body.webhooks?.length ?? 0;
        pages++;
        token = body.next_page_token;
      } while (token);
      return { rows, pages };
    };

    // Warm-up: connections, JIT.
    await viaClient();
    await viaRaw();

    const clientTimes: number[] = [];
    const rawTimes: number[] = [];
    let check = '';
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? ['client', 'raw'] : ['raw', 'client'];
      for (const which of order) {
        const t0 = performance.now();
        const result = which === 'client' ? await viaClient() : await viaRaw();
        const dt = performance.now() - t0;
        (which === 'client' ? clientTimes : rawTimes).push(dt);
        check = `${result.rows} rows in ${result.pages} pages`;
      }
    }
    const c = median(clientTimes);
    const raw = median(rawTimes);
    console.log(`each run: ${check}; ${ROUNDS} rounds, alternating order, medians:`);
    console.log(`  client → tree rows : ${ms(c)}  (min ${ms(Math.min(...clientTimes))}, max ${ms(Math.max(...clientTimes))})`);
    console.log(`  raw undici loop    : ${ms(raw)}  (min ${ms(Math.min(...rawTimes))}, max ${ms(Math.max(...rawTimes))})`);
    console.log(`  ratio client/raw   : ${(c / raw).toFixed(2)}x   (aim: < 1000 ms and <= 1.5x)`);
  } finally {
    await client.close();
    await rawAgent.close();
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
