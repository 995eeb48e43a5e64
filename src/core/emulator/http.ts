/** Request-body reading (JSON only, bounded) and JSON answers for the emulator's HTTP server. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, invalidArgument } from './errors';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Past this many bytes an oversized body is no longer drained: the connection is dropped after the 413. */
const MAX_DRAIN_BYTES = 8 * MAX_BODY_BYTES;

export type JsonObject = Record<string, unknown>;

/** Reads the raw body; answers 413 (as an ApiError) past 1 MiB. */
export function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > MAX_BODY_BYTES;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else if (size > MAX_DRAIN_BYTES) {
        req.off('data', onData);
        req.pause();
        reject(tooLargeError(true));
      }
    };
    req.on('data', onData);
    req.once('end', () => (tooLarge ? reject(tooLargeError(false)) : resolve(Buffer.concat(chunks, size))));
    req.once('error', (err) => reject(invalidArgument(`Could not read the request body: ${err.message}`)));
  });
}

function tooLargeError(closeConnection: boolean): ApiError {
  return new ApiError(413, 'INVALID_ARGUMENT', `Request payload size exceeds the limit: ${MAX_BODY_BYTES} bytes.`, closeConnection ? { connection: 'close' } : {});
}

/** Parses a JSON object body. An empty body is `{}`; anything but application/json is a 415. */
export function parseJsonObject(req: IncomingMessage, raw: Buffer): JsonObject {
  if (raw.length === 0) return {};
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
    throw new ApiError(415, 'INVALID_ARGUMENT', `Unsupported content type '${type.slice(0, 80)}': the body must be application/json.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw invalidArgument(`Invalid JSON payload received. ${err instanceof Error ? err.message.slice(0, 200) : ''}`.trim());
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument('Invalid JSON payload received. The body must be a JSON object.');
  }
  return value as JsonObject;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.code, err.toBody(), err.headers);
}
