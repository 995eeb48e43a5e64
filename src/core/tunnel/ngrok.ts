/**
 * A running ngrok agent's public HTTPS address for a local port, read from the agent's local API
 * (`GET http://127.0.0.1:4040/api/tunnels`, https://ngrok.com/docs/agent/api/): `tunnels[]` with
 * `public_url`, `proto` and `config.addr` (`"http://localhost:8788"`, `"localhost:8788"`, `"8788"`).
 *
 * Never in the way: one GET on node:http (nothing else is loaded) under one short deadline for the
 * whole exchange, a bounded read, and any failure — nothing listening, a slow or huge answer, not
 * JSON, no matching tunnel — is an answer with the reason, never a throw.
 */
import { request } from 'node:http';
import { checkHttpUrl, hostScope } from '../util/url';

/** The agent's default web_addr. */
export const NGROK_API_BASE = 'http://127.0.0.1:4040';
export const NGROK_TIMEOUT_MS = 800;
/** A real answer is a few KiB per tunnel. */
export const NGROK_MAX_BYTES = 256 * 1024;

export interface NgrokLookupOptions {
  /** The port the tunnel must forward to. */
  readonly port: number;
  /** The host the receiver listens on: besides loopback names, a tunnel to it counts too. */
  readonly host?: string;
  /** Default http://127.0.0.1:4040 (the agent's web_addr). Loopback only. */
  readonly apiBase?: string;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

export type NgrokLookup = { readonly ok: true; readonly url: string; readonly name?: string } | { readonly ok: false; readonly reason: string };

export async function findNgrokTunnel(options: NgrokLookupOptions): Promise<NgrokLookup> {
  const base = options.apiBase ?? NGROK_API_BASE;
  const check = checkHttpUrl(base);
  if (!check.ok || check.url.protocol !== 'http:' || hostScope(check.url.hostname) !== 'loopback')
    return { ok: false, reason: `the ngrok API address ${base} is not a loopback http URL` };
  const answer = await getBounded(new URL('/api/tunnels', check.url), options.timeoutMs ?? NGROK_TIMEOUT_MS, options.maxBytes ?? NGROK_MAX_BYTES);
  if (!answer.ok) return answer;
  return pickTunnel(answer.body, options.port, options.host);
}

/** The https tunnel of an /api/tunnels answer that forwards to `port` on this machine. */
export function pickTunnel(body: string, port: number, host?: string): NgrokLookup {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the ngrok API did not answer JSON' };
  }
  const tunnels = isObject(parsed) ? parsed.tunnels : undefined;
  if (!Array.isArray(tunnels)) return { ok: false, reason: 'the ngrok API answer has no tunnels list' };
  for (const tunnel of tunnels) {
    if (!isObject(tunnel) || typeof tunnel.public_url !== 'string') continue;
    const publicUrl = checkHttpUrl(tunnel.public_url);
    if (!publicUrl.ok || publicUrl.url.protocol !== 'https:' || (tunnel.proto !== undefined && tunnel.proto !== 'https')) continue;
    const target = tunnelTarget(isObject(tunnel.config) ? tunnel.config.addr : undefined);
    if (!target || target.port !== port || !(hostScope(target.host) === 'loopback' || (host !== undefined && sameHost(target.host, host)))) continue;
    return { ok: true, url: publicUrl.url.toString(), ...(typeof tunnel.name === 'string' ? { name: tunnel.name } : {}) };
  }
  return { ok: false, reason: `no ngrok https tunnel forwards to port ${port} (${tunnels.length} tunnel${tunnels.length === 1 ? '' : 's'} running)` };
}

/** Where a tunnel forwards to: `config.addr` as ngrok writes it — a port, host:port, or an http URL. */
export function tunnelTarget(addr: unknown): { readonly host: string; readonly port: number } | undefined {
  const text = typeof addr === 'number' ? String(addr) : typeof addr === 'string' ? addr.trim() : '';
  if (/^\d{1,5}$/.test(text)) return { host: 'localhost', port: Number(text) };
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `http://${text}`);
  } catch {
    return undefined;
  }
  // An https upstream would not be this plain-http receiver.
  if (url.protocol !== 'http:' || url.hostname === '') return undefined;
  return { host: url.hostname, port: url.port ? Number(url.port) : 80 };
}

function sameHost(a: string, b: string): boolean {
  const bare = (h: string) => h.toLowerCase().replace(/^\[|\]$/g, '');
  return bare(a) === bare(b);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One GET: the body as text if it came whole, with a 2xx, within `timeoutMs` and `maxBytes`; else why not. */
function getBounded(url: URL, timeoutMs: number, maxBytes: number): Promise<{ ok: true; body: string } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: { ok: true; body: string } | { ok: false; reason: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = request(url, { method: 'GET', headers: { accept: 'application/json' }, agent: false }, (res) => {
      if (!res.statusCode || res.statusCode < 200 || res.statusCode > 299) {
        res.resume();
        return done({ ok: false, reason: `the ngrok API answered ${res.statusCode}` });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return done({ ok: false, reason: `the ngrok API answer is larger than ${maxBytes} bytes` });
        chunks.push(chunk);
      });
      res.on('end', () => done({ ok: true, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => done({ ok: false, reason: `the ngrok API answer broke off (${e.message})` }));
    });
    const timer = setTimeout(() => done({ ok: false, reason: `the ngrok API did not answer within ${timeoutMs} ms` }), timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: `no ngrok agent API at ${url.origin} (${e.code ?? e.message})` }));
    req.end();
  });
}
