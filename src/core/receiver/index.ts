/**
 * The embedded receiver: `startReceiver(options)` listens on node:http (127.0.0.1 by default), verifies
 * each delivery (static HMAC or dynamic JWT), answers at once, then records it in a bounded history,
 * tells listeners and forwards verified events to the user's app. Shared by the CLI and the extension.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { DeliveryVerifier } from '../verify/deliveryVerifier';
import type { Audience } from '../verify/dynamicVerifier';
import { SecretCandidate } from '../verify/secretCandidates';
import { DedupeStore, dedupeKey, dedupePathFor, RETRY_WINDOW_MS } from './dedupe';
import { DeliveryHandler } from './deliveryHandler';
import { Emitter } from './emitter';
import { FailurePlan, isRehearsedFailure } from './failurePlan';
import { forward, forwardableHeaders } from './forwarder';
import { History, ReceiverLog } from './history';
import { replayDelivery } from './replay';
import { ReceivedDelivery, Event, ForwardResult } from './types';

export * from './types';
export { History, DEFAULT_HISTORY_SIZE, DEFAULT_HISTORY_BYTES } from './history';
export { DedupeStore, dedupePathFor } from './dedupe';
export { replayDelivery } from './replay';
export { FailurePlan, FailureSpecError, parseFailureSpec, describeRehearsal, isRehearsedFailure, FAILURE_SPEC_FORMS } from './failurePlan';
export { ArrivalIndex, arrivalSource } from './arrivals';
export type { Arrival } from './arrivals';
export { sendStaticTestEvent } from './testEvent';
export type { ReceiverLog } from './history';
export type { StaticSendResult } from './testEvent';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_PATH = '/webhooks';

export interface ReceiverOptions {
  /** Default 127.0.0.1 (loopback). */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default /webhooks. */
  readonly path?: string;
  /** Bytes; default 1 MiB. */
  readonly bodyLimit?: number;
  /** ±seconds for webhook-timestamp; default 300. */
  readonly toleranceSeconds?: number;
  /** Every live signing secret; called synchronously per request. */
  readonly secrets?: () => readonly SecretCandidate[];
  readonly jwksUri?: string;
  /** Expected `aud` of dynamic deliveries; default: this receiver's own URL (127.0.0.1 and localhost forms) and its public URLs. */
  readonly audience?: Audience;
  /** The URLs the receiver is reached at from outside (a tunnel, a forwarded port), read per token: without `audience`, tokens for them are accepted too. */
  readonly publicUrls?: () => readonly string[];
  readonly jwksCooldownMs?: number;
  readonly jwksCacheMaxAgeMs?: number;
  /** The user's app: verified, non-duplicate events are POSTed there byte for byte. */
  readonly forwardTo?: string;
  readonly forwardTimeoutMs?: number;
  /** A history to keep using (e.g. across restarts); otherwise one is opened from historyPath/historySize. */
  readonly history?: History;
  readonly historyPath?: string;
  readonly historySize?: number;
  /** Bound on the history's size in bytes (default 64 MiB). */
  readonly historyBytes?: number;
  /** Ids remembered for duplicate detection (default 50,000), each for 24 h + the tolerance. */
  readonly dedupeSize?: number;
  /** Where the dedupe memory is persisted; default: beside the history file (none for a history in memory). */
  readonly dedupePath?: string;
  /** Slow-client protection (defaults 10 s for headers, 30 s for the whole request). */
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly now?: () => number;
  readonly log?: ReceiverLog;
  /** A failure rehearsal to start with (see failurePlan.ts); `setFailurePlan` changes or clears it while running. */
  readonly failurePlan?: FailurePlan;
  /** How long a rehearsed timeout holds a request before closing it unanswered (default 60 s). */
  readonly timeoutHoldMs?: number;
}

export interface Receiver {
  /** http://host:port/path */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly history: History;
  /** Every request, once recorded (after its answer was sent). */
  readonly onDelivery: Event<ReceivedDelivery>;
  /** Requests refused because they carried an Origin header (browsers): counted, never recorded. */
  readonly browserRequestsRefused: number;
  /** Sends a stored delivery to the forward-to app again (re-signed when its secret is known); recorded on the record. */
  replay(seq: number, target?: string): Promise<ForwardResult>;
  /** The failure rehearsal in use (verified deliveries are answered by it), if any. */
  readonly failurePlan: FailurePlan | undefined;
  /** Changes or clears (undefined) the failure rehearsal; requests already held finish as they were. */
  setFailurePlan(plan: FailurePlan | undefined): void;
  /** Ends held requests (rehearsed timeouts close unanswered), then stops. */
  close(): Promise<void>;
}

/** Thrown when the port is taken: names host and port. */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} is already in use on ${host}`);
    this.name = 'PortInUseError';
  }
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const host = options.host ?? '127.0.0.1';
  const path = normalizePath(options.path ?? DEFAULT_PATH);
  const now = options.now ?? Date.now;
  const secrets = options.secrets ?? (() => []);
  const history =
    options.history ?? (await History.open({ size: options.historySize, maxBytes: options.historyBytes, path: options.historyPath, log: options.log }));
  const dedupePath = options.dedupePath ?? (history.path ? dedupePathFor(history.path) : undefined);
  const dedupe = await DedupeStore.open({
    path: dedupePath,
    capacity: options.dedupeSize,
    windowMs: RETRY_WINDOW_MS + (options.toleranceSeconds ?? 300) * 1000,
    now,
    log: options.log,
  });
  // The history's own records too (a history kept in memory, or written before the dedupe memory was).
  // Imported captures were never received here: a later delivery with the same webhook-id is not a duplicate of one.
  // A rehearsed failure was not processed either: its retry is no duplicate.
  for (const r of history.all())
    if (r.verdict === 'verified' && r.webhookId && !r.imported && !isRehearsedFailure(r))
      dedupe.seed(dedupeKey(r, r.webhookId), r.seq, Date.parse(r.receivedAt) || now());

  let url = ''; // known once listening; the audience below reads it per token
  const verifier = new DeliveryVerifier({
    secrets,
    now,
    toleranceSeconds: options.toleranceSeconds,
    jwksUri: options.jwksUri,
    audience: options.audience ?? (() => (url ? ownAudiences(url, options.publicUrls?.()) : undefined)),
    cooldownMs: options.jwksCooldownMs,
    cacheMaxAgeMs: options.jwksCacheMaxAgeMs,
  });
  const delivered = new Emitter<ReceivedDelivery>();
  const forwards = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    forwards.add(p);
    void p.finally(() => forwards.delete(p));
  };

  let failurePlan = options.failurePlan;
  const handler = new DeliveryHandler({
    path,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    verifier,
    dedupe,
    history,
    now,
    log: options.log,
    failurePlan: () => failurePlan,
    timeoutHoldMs: options.timeoutHoldMs,
    afterAnswer: (record, raw, headers) => {
      delivered.fire(record);
      if (options.forwardTo && record.verdict === 'verified' && !isRehearsedFailure(record)) {
        track(
          forward({ target: options.forwardTo, headers: forwardableHeaders(headers), body: raw, timeoutMs: options.forwardTimeoutMs }).then((result) => {
            record.forward = result;
            history.update(record);
          }),
        );
      }
    },
  });

  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      connectionsCheckingInterval: Math.min(1_000, options.requestTimeoutMs ?? 1_000),
    },
    handler.handle,
  );
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, options.port ?? 0) : error);
      server.once('error', onError);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
  } catch (error) {
    if (!options.history) history.dispose();
    throw error;
  }
  server.on('error', (error) => options.log?.error(`Receiver: server error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    path,
    history,
    onDelivery: delivered.event,
    get browserRequestsRefused() {
      return handler.browserRequestsRefused;
    },
    replay(seq, target) {
      return replayDelivery(history, seq, { target: target ?? options.forwardTo, secrets, now, timeoutMs: options.forwardTimeoutMs });
    },
    get failurePlan() {
      return failurePlan;
    },
    setFailurePlan(plan) {
      failurePlan = plan;
    },
    close() {
      closing ??= (async () => {
        failurePlan = undefined;
        handler.releaseHeld();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), 1_000);
        await stopped;
        clearTimeout(grace);
        // Let answered requests be recorded, then give forwards a moment, then persist.
        while (handler.busy) await new Promise((r) => setImmediate(r));
        await Promise.race([Promise.allSettled([...forwards]), new Promise((r) => setTimeout(r, 2_000).unref())]);
        await history.flush();
        await dedupe.close();
        delivered.dispose();
        if (!options.history) history.dispose();
      })();
      return closing;
    },
  };
}

/** The audiences a token addressed to this receiver may carry: its URL, with loopback spelled either way, and the public URLs it is reached at. */
export function ownAudiences(url: string, publicUrls: readonly string[] = []): string[] {
  const forms = new Set([url]);
  const u = new URL(url);
  const other = u.hostname === 'localhost' ? '127.0.0.1' : u.hostname === '127.0.0.1' || u.hostname === '[::1]' ? 'localhost' : undefined;
  if (other) {
    u.hostname = other;
    forms.add(u.toString());
  }
  for (const publicUrl of publicUrls) forms.add(publicUrl);
  return [...forms];
}

function normalizePath(path: string): string {
  const trimmed = path.trim();
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
