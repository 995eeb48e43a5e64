/**
 * The request pipeline: route → read (bounded) → JSON → verify → dedupe → answer at once →
 * then, after the answer is sent, record in the history, notify listeners and forward.
 */
import { isUtf8 } from 'node:buffer';
import { IncomingMessage, ServerResponse } from 'node:http';
import { envelopeFromJson } from '../events/envelope';
import { header } from '../verify/deliveryHeaders';
import { DeliveryVerifier } from '../verify/deliveryVerifier';
import { reject, Verdict } from '../verify/verdict';
import { DedupeSet, dedupeKey } from './dedupe';
import { History, ReceiverLog } from './history';
import { readBody } from './readBody';
import { ReceivedDelivery, ReceiverAnswer } from './types';
import { clip } from '../util/text';

/** Bytes of a rejected request's body kept in the history (accepted ones keep up to the body limit). */
export const REJECTED_BODY_STORE_LIMIT = 64 * 1024;

export interface HandlerOptions {
  readonly path: string;
  readonly bodyLimit: number;
  readonly verifier: DeliveryVerifier;
  readonly dedupe: DedupeSet;
  readonly history: History;
  readonly now: () => number;
  readonly log?: ReceiverLog;
  /** Runs after the answer is sent, for every record (listeners, forwarding). */
  readonly afterAnswer: (record: ReceivedDelivery, rawBody: Buffer) => void;
}

export class DeliveryHandler {
  /** Requests answered whose processing has not run yet. */
  private processing = 0;

  constructor(private readonly options: HandlerOptions) {}

  get busy(): boolean {
    return this.processing > 0;
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.run(req, res).catch((error: unknown) => {
      this.options.log?.error(`Receiver: unexpected failure handling a request: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) answer(res, 500, { status: 'rejected', reason: 'internal error' });
      else res.destroy();
    });
  };

  private async run(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const receivedAt = new Date(this.options.now()).toISOString();
    const url = req.url ?? '/';
    const pathname = url.split('?')[0];
    const base = { receivedAt, method: req.method ?? '', path: url, headers: flatten(req), started };

    if (!samePath(pathname, this.options.path))
      return this.finish(
        res,
        base,
        Buffer.alloc(0),
        0,
        reject('none', 'wrong_path', `wrong path: ${clip(pathname, 80)} (this receiver listens on ${this.options.path})`),
      );
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return this.finish(res, base, Buffer.alloc(0), 0, reject('none', 'method_not_allowed', `method not allowed: ${clip(req.method ?? '', 80)} (only POST)`));
    }
    const body = await readBody(req, this.options.bodyLimit);
    if (body.kind === 'oversized') {
      res.setHeader('connection', 'close');
      res.once('finish', () => req.destroy());
      return this.finish(res, base, body.body, body.bytes, reject('none', 'oversized', `oversized: body over the ${this.options.bodyLimit}-byte limit`));
    }
    if (body.kind === 'incomplete') {
      return this.finish(
        res,
        base,
        body.body,
        body.bytes,
        reject('none', 'incomplete_request', 'the request ended (or timed out) before its body was complete'),
      );
    }
    const raw = body.body;
    if (!isUtf8(raw)) return this.finish(res, base, raw, raw.length, reject('none', 'not_json', 'not JSON: the body is not valid UTF-8'));
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.finish(res, base, raw, raw.length, reject('none', 'not_json', 'not JSON: the body does not parse as JSON'));
    }
    const envelope = envelopeFromJson(json);

    const pending = this.options.verifier.verify({ headers: req.headers, rawBody: raw });
    const verdict = pending instanceof Promise ? await pending : pending;
    const extras = envelope ? { eventType: envelope.type, ...(envelope.user_metadata ? { userMetadata: envelope.user_metadata } : {}) } : {};
    return this.finish(res, base, raw, raw.length, verdict, extras);
  }

  private finish(
    res: ServerResponse,
    base: { receivedAt: string; method: string; path: string; headers: Record<string, string>; started: number },
    raw: Buffer,
    bytes: number,
    verdict: Verdict,
    extras: Partial<ReceivedDelivery> = {},
  ): void {
    const seq = this.options.history.nextSeq();
    const webhookId = base.headers['webhook-id'];
    let status: number;
    let payload: ReceiverAnswer;
    let duplicateOf: number | undefined;
    if (verdict.ok) {
      duplicateOf = this.options.dedupe.firstOrRemember(dedupeKey({ matchedSecret: verdict.matched, token: verdict.token }, webhookId), seq);
      status = 200;
      payload =
        duplicateOf === undefined
          ? { status: 'verified', webhook_id: webhookId, seq }
          : { status: 'duplicate', webhook_id: webhookId, seq, duplicate_of: duplicateOf };
    } else {
      status = verdict.httpStatus;
      payload = { status: 'rejected', reason: verdict.reason };
    }
    if (!res.destroyed && !res.headersSent) answer(res, status, payload);
    const latencyMs = Math.round((performance.now() - base.started) * 1000) / 1000;
    // A rejected request is kept for diagnosis only: its stored body is capped well below the limit,
    // so that anyone on the machine cannot fill the history (and the editor's memory) with junk.
    const storeLimit = verdict.ok ? this.options.bodyLimit : Math.min(this.options.bodyLimit, REJECTED_BODY_STORE_LIMIT);
    const stored = raw.length > storeLimit ? raw.subarray(0, storeLimit) : raw;
    const utf8 = isUtf8(stored);
    const record: ReceivedDelivery = {
      seq,
      receivedAt: base.receivedAt,
      method: base.method,
      path: base.path,
      headers: base.headers,
      body: stored.toString(utf8 ? 'utf8' : 'base64'),
      ...(utf8 ? {} : { bodyEncoding: 'base64' as const }),
      bodyBytes: bytes,
      ...(bytes > stored.length ? { bodyTruncated: true } : {}),
      verdict: !verdict.ok ? 'rejected' : duplicateOf === undefined ? 'verified' : 'duplicate',
      ...(verdict.ok ? {} : { reason: verdict.reason, code: verdict.code }),
      scheme: verdict.scheme,
      ...(verdict.signatureMethod ? { signatureMethod: verdict.signatureMethod } : {}),
      ...(verdict.ok && verdict.matched ? { matchedSecret: verdict.matched } : {}),
      ...(verdict.ok && verdict.matchedKey ? { matchedKey: verdict.matchedKey } : {}),
      ...(verdict.ok && verdict.bodyUnbound ? { bodyUnbound: true as const } : {}),
      ...(verdict.token ? { token: verdict.token } : {}),
      ...extras,
      ...(webhookId !== undefined ? { webhookId } : {}),
      latencyMs,
      ...(verdict.timings ? { timings: verdict.timings } : {}),
      httpStatus: status,
      ...(duplicateOf !== undefined ? { duplicateOf } : {}),
    };
    this.processing++;
    setImmediate(() => {
      this.processing--;
      try {
        this.options.history.append(record);
        this.options.afterAnswer(record, raw);
      } catch (error) {
        this.options.log?.error(`Receiver: processing delivery #${seq} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }
}

function answer(res: ServerResponse, status: number, payload: ReceiverAnswer): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function flatten(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = header(req.headers, name) ?? '';
  }
  return out;
}

function samePath(pathname: string, expected: string): boolean {
  return pathname === expected || pathname.replace(/\/+$/, '') === expected.replace(/\/+$/, '');
}
