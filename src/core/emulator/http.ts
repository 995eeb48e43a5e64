/** Request-body reading (JSON only, bounded) and JSON answers for the emulator's HTTP server. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_JSON_DEPTH, nestsTooDeep } from '../util/jsonDepth';
import { ApiError, invalidArgument } from './errors';

export const MAX_BODY_BYTES = 1024 * 1024;

export type JsonObject = Record<string, unknown>;

/** True when the request announces a body: a non-zero content-length or a transfer-encoding. */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const declared = Number(req.headers['content-length'] ?? 0);
  return !Number.isFinite(declared) || declared > 0;
}

/** application/json or any `+json` type (parameters such as charset ignored). */
export function isJsonContentType(req: IncomingMessage): boolean {
  const type = mediaType(req);
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

/** The 415 for a body that is not JSON (a missing content type included). */
export function unsupportedContentType(req: IncomingMessage): ApiError {
  const type = mediaType(req);
  const what = type === '' ? 'A request body needs a content type' : `Unsupported content type '${type.slice(0, 80)}'`;
  return new ApiError(415, 'INVALID_ARGUMENT', `${what}: the body must be application/json.`);
}

/**
 * Reads the raw body; rejects with the 413 (as an ApiError asking to close the connection) as soon
 * as the declared or received size passes 1 MiB. The rest of the body is left to the caller.
 */
export function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return reject(payloadTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      reject(payloadTooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', (err) => reject(invalidArgument(`Could not read the request body: ${err.message}`)));
    // The connection went away first (e.g. closed by the request timeout): nothing will ever end it.
    req.once('close', () => {
      if (!req.complete) reject(invalidArgument('The request ended before its body was complete.'));
    });
  });
}

/** 413: answered at once, and the connection is closed (the rest of the body is never read). */
export function payloadTooLarge(): ApiError {
  return new ApiError(413, 'INVALID_ARGUMENT', `Request payload size exceeds the limit: ${MAX_BODY_BYTES} bytes.`, { connection: 'close' });
}

/** Parses a JSON object body. An empty body is `{}`; a body that is not application/json is a 415. */
export function parseJsonObject(req: IncomingMessage, raw: Buffer): JsonObject {
  if (raw.length === 0) return {};
  if (!isJsonContentType(req)) throw unsupportedContentType(req);
  const text = raw.toString('utf8');
  // Before parsing: a value nested thousands deep parses, then overflows the stack of the JSON.stringify
  // that delivers, stores or answers it (a 500). Google's JSON front ends stop at the same depth.
  if (nestsTooDeep(text)) throw invalidArgument(`Invalid JSON payload received. The JSON nests more than ${MAX_JSON_DEPTH} levels deep (the limit).`);
  let value: unknown;
  try {
    value = JSON.parse(text);
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

export function sendText(res: ServerResponse, status: number, text: string, contentType: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.code, err.toBody(), err.headers);
}
