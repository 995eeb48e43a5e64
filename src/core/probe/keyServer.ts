/**
 * The probe's key server: publishes the probe's JWK Set on loopback at `/.well-known/jwks.json`, so a
 * handler under test fetches the keys the probe's dynamic deliveries are signed with. GET only; it
 * counts fetches (a handler that never fetches never checked a dynamic signature).
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ProbeKeys } from './keys';

/** Where the key server listens unless told otherwise: a fixed port, so the URL a handler is given stays the same. */
export const DEFAULT_PROBE_JWKS_PORT = 8790;
export const PROBE_JWKS_PATH = '/.well-known/jwks.json';

export interface ProbeKeyServer {
  /** The URL to set as the handler's JWKS URI. */
  readonly url: string;
  readonly keys: ProbeKeys;
  /** GET requests for the key set so far. */
  readonly fetches: number;
  close(): Promise<void>;
}

export interface KeyServerOptions {
  readonly keys: ProbeKeys;
  readonly host?: string;
  /** Default DEFAULT_PROBE_JWKS_PORT; 0 picks a free port. */
  readonly port?: number;
}

/** Starts the key server; rejects with the listen error (EADDRINUSE: the port is taken). */
export async function startProbeKeyServer(options: KeyServerOptions): Promise<ProbeKeyServer> {
  const host = options.host ?? '127.0.0.1';
  const body = JSON.stringify(options.keys.jwks());
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname !== PROBE_JWKS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: the key set is at ${PROBE_JWKS_PATH}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PROBE_JWKS_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}${PROBE_JWKS_PATH}`,
    keys: options.keys,
    get fetches() {
      return fetches;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
