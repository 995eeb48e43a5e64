/**
 * The emulator's HTTP front: Host/Origin checks (no web page may drive it), version prefix (`/v1beta`
 * and `/v1` behave the same; a file's download also under `/download/{version}/files/…:download`, where
 * the real service serves a Files API name such as a batch's `responsesFile`), API-key auth, routing, bounded JSON-only bodies, and every failure
 * answered in Google's envelope. Never throws.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from './errors';
import {
  hasBody,
  isJsonContentType,
  JsonObject,
  MAX_BODY_BYTES,
  parseJsonObject,
  payloadTooLarge,
  readRawBody,
  sendError,
  sendJson,
  sendText,
  unsupportedContentType,
} from './http';
import { allowedHostNames, checkHostAndOrigin } from './requestGuard';
import { RouteContext, Router } from './router';

const API_PREFIX = /^\/(v1beta|v1)(\/.*)$/;
/** The real service's download path of a Files API name: the same route as `/{version}/files/{id}:download`. */
const DOWNLOAD_PREFIX = /^\/download\/(v1beta|v1)(\/files\/[^/]+:download)$/;

export interface HttpFrontOptions {
  /** Routes under `/{version}` (API key required). */
  readonly api: Router;
  /** Routes outside the API (JWKS, /emulator control): the key only for /emulator/* and only when `apiKey` is set. */
  readonly root: Router;
  readonly apiKey?: string;
  /** The listen address: accepted in `Host` besides the loopback names. */
  readonly host?: string;
  readonly log: (line: string) => void;
  /** A client's headers must arrive within this (ms)… */
  readonly headersTimeoutMs: number;
  /** …and its whole request within this; otherwise a 408 in the envelope, and the connection is closed. */
  readonly requestTimeoutMs: number;
}

export function createHttpFront(options: HttpFrontOptions): Server {
  const expectedKeyDigest = options.apiKey ? digest(options.apiKey) : undefined;
  const allowedHosts = allowedHostNames(options.host);

  const checkAuth = (req: IncomingMessage) => {
    const headerKey = req.headers['x-goog-api-key'];
    let key = typeof headerKey === 'string' ? headerKey.trim() : '';
    if (!key) {
      const auth = req.headers.authorization;
      if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) key = auth.replace(/^bearer\s+/i, '').trim();
    }
    if (!key) {
      throw new ApiError(
        401,
        'UNAUTHENTICATED',
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    if (expectedKeyDigest && !timingSafeEqual(digest(key), expectedKeyDigest)) {
      throw new ApiError(403, 'PERMISSION_DENIED', 'API key not valid. Please pass a valid API key.');
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(`http://emulator.invalid${(req.url ?? '/').startsWith('/') ? req.url : `/${req.url}`}`);
    } catch {
      throw new ApiError(400, 'INVALID_ARGUMENT', 'Malformed request target.');
    }
    checkHostAndOrigin(req, allowedHosts);
    if (hasBody(req)) {
      if (Number(req.headers['content-length']) > MAX_BODY_BYTES) throw payloadTooLarge();
      if (!isJsonContentType(req)) throw unsupportedContentType(req);
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const apiMatch = API_PREFIX.exec(url.pathname) ?? DOWNLOAD_PREFIX.exec(url.pathname);
    let found;
    if (apiMatch) {
      checkAuth(req);
      found = options.api.match(method, apiMatch[2]);
    } else {
      if (expectedKeyDigest && (url.pathname === '/emulator' || url.pathname.startsWith('/emulator/'))) checkAuth(req);
      found = options.root.match(method, url.pathname);
    }
    let bodyPromise: Promise<JsonObject> | undefined;
    const ctx: RouteContext = {
      req,
      res,
      params: found.params,
      query: url.searchParams,
      body: () => (bodyPromise ??= readRawBody(req).then((raw) => parseJsonObject(req, raw))),
    };
    const result = await found.handler(ctx);
    if (!bodyPromise && !(await discardBody(req))) throw payloadTooLarge();
    if ('text' in result) sendText(res, result.status ?? 200, result.text, result.contentType);
    else sendJson(res, result.status ?? 200, result.body);
  };

  // The answer under way on each connection: a timeout that strikes while a handler waits for the body
  // is answered through it (or, once its headers are out, by dropping the connection).
  const answering = new WeakMap<Socket, ServerResponse>();
  const server = createServer(
    {
      // Node's defaults (a 300 s request timeout) let a client trickle a body for minutes; these are the receiver's.
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, options.requestTimeoutMs),
    },
    (req, res) => {
      answering.set(req.socket, res);
      res.once('close', () => {
        if (answering.get(req.socket) === res) answering.delete(req.socket);
      });
      serve(req, res);
    },
  );
  const serve = (req: IncomingMessage, res: ServerResponse) =>
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ApiError) {
        answerError(req, res, err);
        return;
      }
      options.log(`emulator: internal error on ${req.method} ${(req.url ?? '').split('?')[0]}: ${err instanceof Error ? err.message : String(err)}`);
      sendError(res, new ApiError(500, 'INTERNAL', 'Internal error in the emulator.'));
    });
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const error = clientErrorAnswer(err, options);
    const res = answering.get(socket);
    if (res) {
      // A handler is waiting for this request's body: answer through its response, then close.
      if (res.headersSent || res.destroyed) return void socket.destroy();
      res.once('finish', () => socket.destroySoon());
      return sendError(res, error);
    }
    if (!socket.writable) return void socket.destroy();
    const body = JSON.stringify(error.toBody());
    socket.end(
      `HTTP/1.1 ${error.code} ${STATUS_CODES[error.code] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

/**
 * Answers an error. A body still arriving is read and discarded first (bounded, so the client,
 * still sending, sees the answer); past the limit — or for a 413 — the answer goes out at once
 * with `connection: close`, and the connection is dropped once it has been sent.
 */
function answerError(req: IncomingMessage, res: ServerResponse, err: ApiError): void {
  if (req.complete || req.destroyed) return sendError(res, err);
  if (err.headers.connection === 'close') return answerAndClose(req, res, err);
  discardBody(req).then((ended) => (ended ? sendError(res, err) : answerAndClose(req, res, err)));
}

function answerAndClose(req: IncomingMessage, res: ServerResponse, err: ApiError): void {
  req.resume(); // whatever still arrives is dropped, never buffered
  res.once('finish', () => req.socket.destroySoon());
  sendError(res, err.headers.connection === 'close' ? err : new ApiError(err.code, err.status, err.message, { ...err.headers, connection: 'close' }));
}

/**
 * Reads and drops the rest of a request body. Resolves true once it has ended (or the client went
 * away), false as soon as more than the body limit arrives — the caller then closes the connection.
 */
function discardBody(req: IncomingMessage): Promise<boolean> {
  if (req.complete || req.readableEnded || req.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (ended: boolean) => {
      req.off('data', onData);
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > MAX_BODY_BYTES) done(false);
    };
    req.on('data', onData);
    req.once('end', () => done(true));
    req.once('error', () => done(true));
    req.once('close', () => done(true));
    req.resume();
  });
}

/** What a request Node's parser gave up on is answered with: 408 past a timeout, 431 for huge headers, else 400. */
function clientErrorAnswer(err: NodeJS.ErrnoException, options: HttpFrontOptions): ApiError {
  const close = { connection: 'close' };
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new ApiError(
      408,
      'DEADLINE_EXCEEDED',
      `The request was not received in time: its headers must arrive within ${options.headersTimeoutMs} ms and the whole request within ${options.requestTimeoutMs} ms.`,
      close,
    );
  if (err.code === 'HPE_HEADER_OVERFLOW') return new ApiError(431, 'INVALID_ARGUMENT', 'The request headers are too large.', close);
  return new ApiError(400, 'INVALID_ARGUMENT', 'Malformed HTTP request.', close);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
