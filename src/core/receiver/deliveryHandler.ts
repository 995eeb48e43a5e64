/**
 * The request pipeline: refuse browsers → route → read (bounded) → JSON → verify → dedupe → answer
 * at once → then, after the answer is sent, record in the history (every field bounded), notify
 * listeners and forward. A failure rehearsal (failurePlan.ts) may answer a verified delivery otherwise:
 * a failure status, no answer (held), or the usual answer late.
 */
import { isUtf8 } from 'node:buffer';
import { IncomingMessage, ServerResponse } from 'node:http';
import { envelopeFromJson } from '../events/envelope';
import { DeliveryVerifier } from '../verify/deliveryVerifier';
import { reject, Verdict } from '../verify/verdict';
import { DedupeStore, dedupeKey } from './dedupe';
import { History, ReceiverLog } from './history';
import { BodyResult, readBodyThen } from './readBody';
import { REJECTED_BODY_STORE_LIMIT } from './recordBounds';
import { FailurePlan, MAX_HELD_REQUESTS, TIMEOUT_HOLD_MS } from './failurePlan';
import { assignVerdictFields, ReceivedDelivery, ReceiverAnswer, RehearsedAnswer } from './types';
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
  /** The failure rehearsal in use, if any: read per verified delivery. */
  readonly failurePlan?: () => FailurePlan | undefined;
  /** How long a rehearsed timeout holds a request (default TIMEOUT_HOLD_MS). */
  readonly timeoutHoldMs?: number;
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

  /**
   * Synchronous from the body's last chunk to the answer while the verdict is (static, or dynamic on a
   * cached key set): no promise per request. Any failure on the way is answered 500 and logged.
   */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      this.run(req, res);
    } catch (error) {
      this.fail(res, error);
    }
  };

  private fail(res: ServerResponse, error: unknown): void {
    this.options.log?.error(`Receiver: unexpected failure handling a request: ${error instanceof Error ? error.message : String(error)}`);
    if (!res.headersSent) answer(res, 500, { status: 'rejected', reason: 'internal error' });
    else res.destroy();
  }

  private run(req: IncomingMessage, res: ServerResponse): void {
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
    readBodyThen(req, this.options.bodyLimit, (body) => {
      try {
        this.withBody(req, res, base, body);
      } catch (error) {
        this.fail(res, error);
      }
    });
  }

  private withBody(req: IncomingMessage, res: ServerResponse, base: Base, body: BodyResult): void {
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

    const extras = envelope ? { eventType: envelope.type, ...(envelope.user_metadata ? { userMetadata: envelope.user_metadata } : {}) } : {};
    const pending = this.options.verifier.verify({ headers: req.headers, rawBody: raw });
    if (pending instanceof Promise) {
      pending.then((verdict) => this.finish(res, base, raw, raw.length, verdict, extras)).catch((error: unknown) => this.fail(res, error));
      return;
    }
    return this.finish(res, base, raw, raw.length, pending, extras);
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

  private finish(res: ServerResponse, base: Base, raw: Buffer, bytes: number, verdict: Verdict, extras: Partial<ReceivedDelivery> = {}): void {
    const seq = this.options.history.nextSeq();
    const webhookId = base.headers['webhook-id'];
    // Only deliveries that verify are rehearsed: a rehearsal is about the sender's retries of real deliveries.
    const plan = verdict.ok ? this.options.failurePlan?.() : undefined;
    const rehearse = plan?.take();
    let status: number;
    let payload: ReceiverAnswer;
    let duplicateOf: number | undefined;
    if (verdict.ok) {
      const key = dedupeKey({ scheme: verdict.scheme, matchedSecret: verdict.matched }, webhookId);
      // A rehearsed failure is not processed: it is not remembered, so the sender's retry is no duplicate of it.
      duplicateOf = rehearse && rehearse.kind !== 'slow' ? this.options.dedupe.first(key) : this.options.dedupe.firstOrRemember(key, seq);
      status = 200;
      payload =
        duplicateOf === undefined
          ? { status: 'verified', webhook_id: webhookId, seq }
          : { status: 'duplicate', webhook_id: webhookId, seq, duplicate_of: duplicateOf };
    } else {
      status = verdict.httpStatus;
      payload = { status: 'rejected', reason: verdict.reason };
    }
    if (!rehearse || !plan) {
      if (!res.destroyed && !res.headersSent) answer(res, status, payload);
      return this.record(base, raw, bytes, verdict, extras, seq, status, duplicateOf);
    }
    const rehearsal = { kind: rehearse.kind, plan: plan.spec.text };
    if (rehearse.kind === 'status') {
      status = rehearse.status;
      payload = { status: 'rehearsed_failure', webhook_id: webhookId, seq, reason: `rehearsed failure (${plan.spec.text})` };
      const retryAfter = rehearse.retryAfterSeconds;
      if (retryAfter !== undefined) res.setHeader('retry-after', String(retryAfter));
      if (!res.destroyed && !res.headersSent) answer(res, status, payload);
      return this.record(base, raw, bytes, verdict, extras, seq, status, duplicateOf, {
        ...rehearsal,
        status,
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      });
    }
    // A timeout holds the request unanswered (until the sender hangs up, at most the hold); a slow answer is the usual one, late.
    const slow = rehearse.kind === 'slow';
    this.hold(res, slow ? rehearse.delaySeconds * 1000 : (this.options.timeoutHoldMs ?? TIMEOUT_HOLD_MS), (heldMs, senderHungUp) => {
      if (!slow) res.destroy();
      else if (!senderHungUp && !res.destroyed && !res.headersSent) answer(res, status, payload);
      this.record(base, raw, bytes, verdict, extras, seq, slow ? status : 0, duplicateOf, {
        ...rehearsal,
        ...(slow ? { status, delaySeconds: rehearse.delaySeconds } : {}),
        heldMs: Math.round(heldMs),
        ...(senderHungUp ? { senderHungUp } : {}),
      });
    });
  }

  /** Requests a rehearsal holds (timeouts, slow answers): each entry ends its hold now. */
  private readonly held = new Set<() => void>();

  /** Holds `res` for `ms` or until the sender hangs up, whichever comes first, then calls `release` once (at once when too many are held). */
  private hold(res: ServerResponse, ms: number, release: (heldMs: number, senderHungUp: boolean) => void): void {
    if (this.held.size >= MAX_HELD_REQUESTS) return release(0, false);
    const started = performance.now();
    let ended = false;
    const end = (senderHungUp: boolean) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      res.off('close', onClose);
      this.held.delete(endNow);
      release(performance.now() - started, senderHungUp);
    };
    const onClose = () => end(true);
    const endNow = () => end(false);
    const timer = setTimeout(endNow, ms);
    res.on('close', onClose);
    this.held.add(endNow);
  }

  /** Ends every hold now (the receiver is stopping): timeouts close unanswered, slow answers go out; all are recorded. */
  releaseHeld(): void {
    for (const end of [...this.held]) end();
  }

  private record(
    base: Base,
    raw: Buffer,
    bytes: number,
    verdict: Verdict,
    extras: Partial<ReceivedDelivery>,
    seq: number,
    status: number,
    duplicateOf: number | undefined,
    rehearsal?: RehearsedAnswer,
  ): void {
    const webhookId = base.headers['webhook-id'];
    const latencyMs = Math.round((performance.now() - base.started) * 1000) / 1000;
    // A rejected request is kept for diagnosis only: its stored body is capped well below the limit,
    // so that anyone on the machine cannot fill the history (and the editor's memory) with junk.
    const storeLimit = verdict.ok ? this.options.bodyLimit : Math.min(this.options.bodyLimit, REJECTED_BODY_STORE_LIMIT);
    const stored = raw.length > storeLimit ? raw.subarray(0, storeLimit) : raw;
    const utf8 = isUtf8(stored);
    // Built by assignment, in the order the history file has always had (no temporary objects per field);
    // every other field is bounded as the history stores it (recordBounds.ts).
    const record: Mutable<ReceivedDelivery> = {
      seq,
      receivedAt: base.receivedAt,
      method: base.method,
      path: base.path,
      headers: base.headers,
      body: stored.toString(utf8 ? 'utf8' : 'base64'),
    } as Mutable<ReceivedDelivery>;
    if (!utf8) record.bodyEncoding = 'base64';
    record.bodyBytes = bytes;
    if (bytes > stored.length) record.bodyTruncated = true;
    record.verdict = !verdict.ok ? 'rejected' : duplicateOf === undefined ? 'verified' : 'duplicate';
    assignVerdictFields(record, verdict);
    if (extras.eventType !== undefined) record.eventType = extras.eventType;
    if (extras.userMetadata !== undefined) record.userMetadata = extras.userMetadata;
    if (webhookId !== undefined) record.webhookId = webhookId;
    record.latencyMs = latencyMs;
    if (verdict.timings) record.timings = verdict.timings;
    record.httpStatus = status;
    if (duplicateOf !== undefined) record.duplicateOf = duplicateOf;
    if (rehearsal) record.rehearsal = rehearsal;
    this.later(record, raw);
  }

  /** Records answered in this turn of the event loop, recorded and announced together in the next (in order). */
  private queue: Array<{ record: ReceivedDelivery; raw: Buffer }> = [];

  private later(record: ReceivedDelivery, raw: Buffer): void {
    this.queue.push({ record, raw });
    this.processing++;
    if (this.queue.length === 1) setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    const batch = this.queue;
    this.queue = [];
    for (const { record, raw } of batch) {
      this.processing--;
      try {
        this.options.afterAnswer(this.options.history.append(record), raw, record.headers);
      } catch (error) {
        this.options.log?.error(`Receiver: processing delivery #${record.seq} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What is known of a request before its body. */
interface Base {
  readonly receivedAt: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly started: number;
}

function answer(res: ServerResponse, status: number, payload: ReceiverAnswer): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function flatten(req: IncomingMessage): Record<string, string> {
  const headers = req.headers;
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = typeof value === 'string' ? value : value.join(', '); // as header() reads it
  }
  return out;
}

function samePath(pathname: string, expected: string): boolean {
  return pathname === expected || pathname.replace(/\/+$/, '') === expected.replace(/\/+$/, '');
}
