/**
 * Signed, retried deliveries. Static ones (Standard Webhooks `v1` HMAC) go to registered webhooks;
 * dynamic ones go to a job's webhook_config uris, signed by the DynamicSigner of the mode in use
 * (`v1a` Ed25519 by default, or an RS256 JWT: dynamicSigner.ts). At least once: the same webhook-id on
 * every retry, a fresh webhook-timestamp per attempt. 2xx = delivered; 3xx and everything else =
 * failure (redirects are never followed); 410 stops and disables; an exhausted schedule (retrySchedule.ts:
 * at most 8 attempts, all within 24 h of the first) disables.
 * A bounded number of attempts run at once; the rest wait in a FIFO queue (no per-delivery timers
 * except for scheduled retries).
 */
import { LazyAgent } from '../util/undici';
import { redact } from '../util/redact';
import { parseRetryAfterMs } from '../util/retryAfter';
import { Clock } from './clock';
import { DeliveryLog, DeliveryOutcome, DeliveryAttempt } from './deliveryLog';
import { rfc3339 } from './ids';
import { DynamicSigner } from './dynamicSigner';
import { nextRetryDelay } from './retrySchedule';
import { activeSecrets } from './secrets';
import { signatureHeader } from './staticSignature';
import { WebhookStore } from './webhookStore';

export interface Delivery {
  readonly kind: 'static' | 'dynamic';
  /** Static: the registered webhook's id. Dynamic: the target uri. */
  readonly target: string;
  readonly msgId: string;
  readonly type: string;
  readonly body: Buffer;
  /** Pings reach a webhook whatever its state. */
  readonly ignoreState?: boolean;
  attempt: number;
  /** The URL of the latest attempt. */
  url?: string;
  /** Epoch ms of the first attempt: retries end within the retry window after it. */
  firstAttemptAt?: number;
}

export interface DeliveryEngineOptions {
  readonly store: WebhookStore;
  readonly clock: Clock;
  /** Signs dynamic deliveries. */
  readonly signer: DynamicSigner;
  readonly log: DeliveryLog;
  readonly timeoutMs: number;
  readonly maxInFlight?: number;
  readonly logLine?: (line: string) => void;
}

const USER_AGENT = 'gemini-webhooks-emulator/1';
const RESPONSE_BODY_LIMIT = 64 * 1024;

export class DeliveryEngine {
  /** Made at the first delivery (undici loads only then). */
  private readonly agent: LazyAgent;
  private readonly queue: Delivery[] = [];
  private head = 0;
  private inFlight = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly maxInFlight: number;

  constructor(private readonly o: DeliveryEngineOptions) {
    this.maxInFlight = o.maxInFlight ?? 256;
    this.agent = new LazyAgent({
      keepAliveTimeout: 10_000,
      connections: 64,
      pipelining: 1,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
      connectTimeout: o.timeoutMs,
    });
  }

  enqueue(delivery: Delivery): void {
    if (this.closed) return;
    this.queue.push(delivery);
    this.pump();
  }

  get pending(): number {
    return this.queue.length - this.head + this.inFlight + this.timers.size;
  }

  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.head = 0;
    await this.agent.made?.destroy().catch(() => undefined);
    this.notifyIdle(true);
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.head < this.queue.length) {
      const d = this.queue[this.head++];
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.inFlight++;
      this.attempt(d).finally(() => {
        this.inFlight--;
        this.pump();
        this.notifyIdle(false);
      });
    }
  }

  private notifyIdle(force: boolean): void {
    if (!force && this.pending !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async attempt(d: Delivery): Promise<void> {
    const started = Date.now();
    d.attempt++;
    d.firstAttemptAt ??= started;
    let url: string;
    const timestamp = Math.floor(started / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': d.msgId,
      'webhook-timestamp': String(timestamp),
    };
    if (d.kind === 'static') {
      const record = this.o.store.find(d.target);
      if (!record) return this.finish(d, started, 'cancelled', { error: 'webhook deleted' });
      if (record.state !== 'enabled' && !d.ignoreState) return this.finish(d, started, 'cancelled', { error: `webhook ${record.state}` });
      url = record.uri;
      d.url = url;
      const keys = activeSecrets(record.secrets, this.o.clock.now()).map((s) => s.key);
      headers['webhook-signature'] = signatureHeader(keys, d.msgId, timestamp, d.body);
    } else {
      url = d.target;
      d.url = url;
      try {
        headers['webhook-signature'] = await this.o.signer.signatureHeader({ url, msgId: d.msgId, timestamp, body: d.body });
      } catch (err) {
        return this.finish(d, started, 'failed', { error: `signing failed: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    let status: number | undefined;
    let retryAfter: number | undefined;
    let error: string | undefined;
    // one deadline for the whole attempt (connect + headers + body); the agent's per-phase timeouts are the same length
    const deadline = AbortSignal.timeout(this.o.timeoutMs);
    try {
      const res = await this.agent.get().request({ ...splitUrl(url), method: 'POST', headers, body: d.body, signal: deadline });
      status = res.statusCode;
      retryAfter = parseRetryAfterMs(res.headers['retry-after']);
      await res.body.dump({ limit: RESPONSE_BODY_LIMIT, signal: deadline }).catch(() => undefined);
    } catch (err) {
      error = deadline.aborted ? this.deadlineError() : describeError(err);
    }
    // an answer still arriving at the deadline is a failure, whatever its status
    if (error === undefined && deadline.aborted) error = this.deadlineError();
    if (this.closed) return;
    if (status !== undefined && status >= 200 && status < 300 && error === undefined) return this.finish(d, started, 'delivered', { status });
    if (status === 410) return this.giveUp(d, started, { status, error: 'receiver answered 410 Gone' });
    const now = Date.now();
    const delay = nextRetryDelay(d.attempt, { scale: this.o.clock.scale, elapsedMs: now - (d.firstAttemptAt ?? started), retryAfterMs: retryAfter });
    if (delay === undefined) return this.giveUp(d, started, { status, error: error ?? 'retry schedule exhausted' });
    const due = now + delay;
    this.finish(d, started, 'retry_scheduled', { status, error, next_retry_time: rfc3339(due) });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(d);
    }, delay);
    this.timers.add(timer);
  }

  private deadlineError(): string {
    return `timeout (the attempt took over ${this.o.timeoutMs} ms)`;
  }

  private giveUp(d: Delivery, started: number, extra: { status?: number; error?: string }): void {
    this.finish(d, started, 'failed', extra);
    if (d.kind !== 'static') return;
    if (this.o.store.find(d.target)?.state !== 'enabled') return;
    try {
      const disabled = this.o.store.update(d.target, this.o.clock.now(), (record) => {
        if (record.state !== 'enabled') return false;
        record.state = 'disabled_due_to_failed_deliveries';
        return true;
      });
      if (disabled) this.o.logLine?.(`webhook ${d.target} disabled_due_to_failed_deliveries (${extra.error ?? 'failed deliveries'})`);
    } catch (error) {
      // Gone meanwhile (deleted here or in another emulator), or the state file could not be saved: the webhook stays as it was.
      this.o.logLine?.(`webhook ${d.target} could not be disabled: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private finish(d: Delivery, started: number, outcome: DeliveryOutcome, extra: { status?: number; error?: string; next_retry_time?: string }): void {
    const record: DeliveryAttempt = {
      webhook: d.target,
      webhook_id: d.msgId,
      kind: d.kind,
      event_type: d.type,
      url: d.url ?? '',
      attempt: d.attempt,
      time: rfc3339(started),
      outcome,
      ...(extra.status !== undefined ? { status: extra.status } : {}),
      ...(extra.error !== undefined ? { error: extra.error } : {}),
      duration_ms: Date.now() - started,
      ...(extra.next_retry_time !== undefined ? { next_retry_time: extra.next_retry_time } : {}),
    };
    this.o.log.add(record);
    if (this.o.logLine) {
      const what = record.status !== undefined ? `HTTP ${record.status}` : (record.error ?? '');
      const next = record.next_retry_time ? `, next retry ${record.next_retry_time}` : '';
      this.o.logLine(
        redact(
          `delivery ${d.msgId} ${d.type} attempt ${d.attempt} -> ${d.kind === 'static' ? d.target + ' ' : ''}${record.url}: ${what} ${outcome}${next} (${record.duration_ms} ms)`,
        ),
      );
    }
  }
}

const parsedUrls = new Map<string, { origin: string; path: string }>();

/** Origin + path of a target URL, cached (bounded): the same few targets recur for every delivery. */
function splitUrl(url: string): { origin: string; path: string } {
  let parsed = parsedUrls.get(url);
  if (!parsed) {
    const u = new URL(url);
    parsed = { origin: u.origin, path: `${u.pathname}${u.search}` };
    if (parsedUrls.size >= 1000) parsedUrls.clear();
    parsedUrls.set(url, parsed);
  }
  return parsed;
}

function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; name?: string };
  const code = e?.code ?? e?.name ?? 'error';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return `timeout (${code})`;
  return `${code}: ${String(e?.message ?? err).slice(0, 160)}`;
}
