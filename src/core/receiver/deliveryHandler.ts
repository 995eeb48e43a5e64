/**
 * The request pipeline: refuse browsers → route → read (bounded) → JSON → verify → dedupe → answer
 * at once → then, after the answer is sent, record in the history (every field bounded), notify
 * listeners and forward.
 */
import { isUtf8 } from 'node:buffer';
import { IncomingMessage, ServerResponse } from 'node:http';
import { envelopeFromJson } from '../events/envelope';
import { header } from '../verify/deliveryHeaders';
import { DeliveryVerifier } from '../verify/deliveryVerifier';
import { reject, Verdict } from '../verify/verdict';
import { DedupeStore, dedupeKey } from './dedupe';
import { History, ReceiverLog } from './history';
import { readBody } from './readBody';
import { REJECTED_BODY_STORE_LIMIT } from './recordBounds';
import { ReceivedDelivery, ReceiverAnswer, verdictFields } from './types';
import { nestsTooDeep, tooDeepReason } from '../util/jsonDepth';
import { clip } from '../util/text';

export { REJECTED_BODY_STORE_LIMIT } from './recordBounds';

/** Browser requests refused: the first is logged, then every this many. */
export const BROWSER_REFUSAL_LOG_EVERY = 100;
export const BROWSER_REFUSAL_REASON = 'browser requests are refused: the request carries an Origin header, which Gemini never sends';

export interface HandlerOptions {
  readonly path: string;
  readonly bodyLimit: number;
  readonly verifier: DeliveryVerifier;
  readonly dedupe: DedupeStore;
  readonly history: History;
  readonly now: () => number;
  readonly log?: ReceiverLog;
  /** Runs after the answer is sent, for every record (listeners, forwarding): the raw body and headers as received. */
  readonly afterAnswer: (record: ReceivedDelivery, rawBody: Buffer, headers: Readonly<Record<string, string>>) => void;
}

export class DeliveryHandler {
  /** Requests answered whose processing has not run yet. */
  private processing = 0;
  /** Requests with an Origin header, refused before anything about them was stored. */
  browserRequestsRefused = 0;

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
    // A browser (a web page driving the receiver: DNS rebinding, cross-site POSTs) always sends Origin; Gemini
    // never does. Refused before anything is read or stored — only counted, and logged now and then.
    if (req.headers.origin !== undefined) return this.refuseBrowser(req, res);
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
    const text = raw.toString('utf8');
    // Measured before parsing: a value nested thousands deep parses, then overflows the stack of every
    // JSON.stringify that records, prints or exports it. Refused (and recorded as text) beyond the limit.
    if (nestsTooDeep(text)) return this.finish(res, base, raw, raw.length, reject('none', 'too_deeply_nested', tooDeepReason()));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.finish(res, base, raw, raw.length, reject('none', 'not_json', 'not JSON: the body does not parse as JSON'));
    }
    const envelope = envelopeFromJson(json);

    const pending = this.options.verifier.verify({ headers: req.headers, rawBody: raw });
    const verdict = pending instanceof Promise ? await pending : pending;
    const extras = envelope ? { eventType: envelope.type, ...(envelope.user_metadata ? { userMetadata: envelope.user_metadata } : {}) } : {};
    return this.finish(res, base, raw, raw.length, verdict, extras);
  }

  private refuseBrowser(req: IncomingMessage, res: ServerResponse): void {
    const n = ++this.browserRequestsRefused;
    if (n === 1 || n % BROWSER_REFUSAL_LOG_EVERY === 0) {
      this.options.log?.warn(
        n === 1
          ? `Receiver: refused a browser request (it carried an Origin header; Gemini sends none). Such requests are not recorded; they are counted here every ${BROWSER_REFUSAL_LOG_EVERY}.`
          : `Receiver: refused ${n} browser requests (Origin header) so far; none was recorded.`,
      );
    }
    res.setHeader('connection', 'close');
    res.once('finish', () => req.destroy());
    answer(res, 403, { status: 'rejected', reason: BROWSER_REFUSAL_REASON });
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
      duplicateOf = this.options.dedupe.firstOrRemember(dedupeKey({ scheme: verdict.scheme, matchedSecret: verdict.matched }, webhookId), seq);
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
    // Every other field is bounded as the history stores it (recordBounds.ts).
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
      ...verdictFields(verdict),
      ...extras,
      ...(webhookId !== undefined ? { webhookId } : {}),
      latencyMs,
      httpStatus: status,
      ...(duplicateOf !== undefined ? { duplicateOf } : {}),
    };
    this.processing++;
    setImmediate(() => {
      this.processing--;
      try {
        this.options.afterAnswer(this.options.history.append(record), raw, base.headers);
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
