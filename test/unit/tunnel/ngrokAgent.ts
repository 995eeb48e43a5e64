/** A stand-in for the ngrok agent's local API on loopback: answers GET /api/tunnels however a test needs. */
import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** The shape ngrok documents for GET /api/tunnels (https://ngrok.com/docs/agent/api/), one tunnel per entry. */
export function tunnelsAnswer(...tunnels: Array<{ public_url: string; proto?: string; addr: string | number; name?: string }>): string {
  return JSON.stringify({
    tunnels: tunnels.map((t, i) => ({
      name: t.name ?? (i === 0 ? 'command_line' : `tunnel-${i}`),
      ID: `id${i}`,
      uri: `/api/tunnels/${t.name ?? 'command_line'}`,
      public_url: t.public_url,
      proto: t.proto ?? 'https',
      config: { addr: t.addr, inspect: true },
      metrics: { conns: { count: 0, gauge: 0, rate1: 0 }, http: { count: 0, rate1: 0 } },
    })),
    uri: '/api/tunnels',
  });
}

export async function startNgrokAgent(
  answer: (res: ServerResponse) => void,
): Promise<{ base: string; requests: string[]; server: Server; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
