/** Finding a port to offer when the configured one is taken (e.g. by another window's receiver). */
import { createServer } from 'node:net';

/** Whether `port` can be listened on at `host` right now. */
export function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The first free port after `port` (port+1 … port+tries, within 1024–65535), or undefined. */
export async function freePortNear(host: string, port: number, tries = 20): Promise<number | undefined> {
  for (let p = Math.max(1024, port + 1); p <= Math.min(65535, port + tries); p++) if (await canListen(host, p)) return p;
  return undefined;
}
