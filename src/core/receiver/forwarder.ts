/**
 * Hands events to the user's app: the original raw body byte for byte with the original headers
 * (minus hop-by-hop ones and host), through undici with a timeout. The result (status, time, first KB
 * of the answer, or the error) is returned, never thrown.
 */
import { undici } from '../util/undici';
import { ForwardResult } from './types';
import { safeUrl } from '../util/redact';

export const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;
const SNIPPET_BYTES = 1024;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);

/** The headers worth passing on: drops hop-by-hop ones, those the Connection header names, host and content-length. */
export function forwardableHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const named = new Set(
    (headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && !named.has(lower)) out[lower] = value;
  }
  return out;
}

export interface ForwardRequest {
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  readonly timeoutMs?: number;
  readonly replay?: boolean;
  readonly resigned?: boolean;
}

export async function forward(req: ForwardRequest): Promise<ForwardResult> {
  const started = performance.now();
  const at = new Date().toISOString();
  const extra = { ...(req.replay ? { replay: true } : {}), ...(req.resigned !== undefined ? { resigned: req.resigned } : {}) };
  const timeout = req.timeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS;
  try {
    const res = await undici().request(req.target, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      signal: AbortSignal.timeout(timeout),
    });
    const snippet = await readSnippet(res.body);
    const status = res.statusCode;
    return {
      target: safeUrl(req.target),
      at,
      ok: status >= 200 && status < 300,
      status,
      durationMs: round(performance.now() - started),
      bodySnippet: snippet,
      ...extra,
    };
  } catch (error) {
    return { target: safeUrl(req.target), at, ok: false, durationMs: round(performance.now() - started), error: describe(error, timeout), ...extra };
  }
}

async function readSnippet(body: AsyncIterable<Uint8Array> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(Buffer.from(chunk));
      size += chunk.length;
      if (size >= SNIPPET_BYTES) break;
    }
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
}

function describe(error: unknown, timeout: number): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    if (error.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return `timed out after ${timeout} ms`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (code === 'ECONNREFUSED' || cause?.code === 'ECONNREFUSED') return 'connection refused';
    return `${error.message}${cause?.message ? ` (${cause.message})` : ''}`;
  }
  return String(error);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
