/**
 * Failure rehearsal: the receiver answers verified deliveries with a failure of the developer's
 * choosing — a status (500, 503 with Retry-After, 410…), no answer at all (a timeout), or a late
 * success — for the next N of them or a percentage, so that the sender's retries (the emulator's
 * schedule, or the real service's) can be watched. One grammar for the CLI's `--fail` and the
 * editor's "Simulate Receiver Failures…":
 *
 *   SPEC    = [PERCENT "%:"] ANSWER
 *   ANSWER  = STATUS [":" N] [":retry-after=" SECONDS]    500:3   410   503:2:retry-after=5
 *           | "timeout" [":" N]                          timeout:1
 *           | "slow:" SECONDS [":" N]                    slow:5:2
 *   STATUS 400–599 · N 1–1000 (default 1) · PERCENT 1–100 (no N: it applies until cleared)
 *   retry-after 0–86400 whole seconds · slow 0.1–60 seconds
 *
 * Only deliveries that verify count (a rehearsal is about the sender's retries of real deliveries):
 * rejected requests are answered as always and leave the plan untouched.
 */
import { Emitter } from './emitter';
import type { Event, RehearsedAnswer } from './types';

export const MAX_FAILURE_COUNT = 1000;
export const MAX_RETRY_AFTER_SECONDS = 86_400;
export const MAX_SLOW_SECONDS = 60;
/** A rehearsed timeout holds a request at most this long, then closes it without an answer. */
export const TIMEOUT_HOLD_MS = 60_000;
/** Requests held at once (timeouts, slow answers); beyond it a timeout closes at once and a slow answer goes out at once. */
export const MAX_HELD_REQUESTS = 100;

/** The forms, as a usage error and the help name them. */
export const FAILURE_SPEC_FORMS: readonly string[] = [
  'STATUS[:N]                answer STATUS (400-599) to the next N verified deliveries (default 1): 500:3, 410',
  'STATUS[:N]:retry-after=S  the same with a Retry-After: S header: 503:2:retry-after=5',
  `timeout[:N]               hold the next N without answering until the sender gives up (at most ${TIMEOUT_HOLD_MS / 1000} s): timeout:1`,
  `slow:S[:N]                answer the next N normally, after S seconds (at most ${MAX_SLOW_SECONDS}): slow:5:2`,
  'P%:ANSWER                 any answer above without N, for P % of deliveries until stopped: 50%:500',
];

/** What a rehearsed delivery gets (the plan's answer, without its count). */
export type FailureAnswer =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'slow'; readonly delaySeconds: number };

export interface FailureSpec {
  readonly answer: FailureAnswer;
  /** The next N verified deliveries… */
  readonly count?: number;
  /** …or this percentage of them, until cleared. */
  readonly percent?: number;
  /** Normalised text of the spec ("503:2:retry-after=5"). */
  readonly text: string;
}

export class FailureSpecError extends Error {
  override readonly name = 'FailureSpecError';
}

/** Parses a spec (see the grammar above); throws FailureSpecError naming the problem and the forms. */
export function parseFailureSpec(input: string): FailureSpec {
  const raw = input.trim().toLowerCase();
  const fail = (why: string): never => {
    throw new FailureSpecError(`not a failure spec: '${raw.slice(0, 60)}' (${why}). The forms:\n  ${FAILURE_SPEC_FORMS.join('\n  ')}`);
  };
  let rest = raw;
  let percent: number | undefined;
  const pct = /^(\d+)%:(.*)$/.exec(raw);
  if (pct) {
    percent = wholeNumber(pct[1]);
    if (percent === undefined || percent < 1 || percent > 100) fail('the percentage must be a whole number from 1 to 100');
    rest = pct[2];
  }
  const parts = rest.split(':');
  let answer: FailureAnswer;
  let countText: string | undefined;
  if (parts[0] === 'timeout') {
    if (parts.length > 2) fail('timeout takes at most a count: timeout:N');
    answer = { kind: 'timeout' };
    countText = parts[1];
  } else if (parts[0] === 'slow') {
    if (parts.length < 2 || parts.length > 3) fail('slow needs its seconds: slow:S or slow:S:N');
    const seconds = /^\d+(\.\d+)?$/.test(parts[1]) ? Number(parts[1]) : NaN;
    if (!(seconds >= 0.1 && seconds <= MAX_SLOW_SECONDS)) fail(`slow takes seconds from 0.1 to ${MAX_SLOW_SECONDS}`);
    answer = { kind: 'slow', delaySeconds: seconds };
    countText = parts[2];
  } else if (/^\d+$/.test(parts[0])) {
    const status = Number(parts[0]);
    if (status < 400 || status > 599) fail('the status must be from 400 to 599');
    let retryAfterSeconds: number | undefined;
    const last = parts.at(-1) ?? '';
    if (parts.length > 1 && last.startsWith('retry-after=')) {
      retryAfterSeconds = wholeNumber(last.slice('retry-after='.length));
      if (retryAfterSeconds === undefined || retryAfterSeconds > MAX_RETRY_AFTER_SECONDS)
        fail(`retry-after takes whole seconds from 0 to ${MAX_RETRY_AFTER_SECONDS}`);
      parts.pop();
    }
    if (parts.length > 2) fail('a status takes at most a count and a retry-after: STATUS:N:retry-after=S');
    answer = { kind: 'status', status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
    countText = parts[1];
  } else {
    return fail(parts[0] === '' ? 'empty' : 'it starts with neither a status, "timeout", "slow" nor a percentage');
  }
  let count: number | undefined;
  if (countText !== undefined) {
    if (percent !== undefined) fail('a percentage takes no count: it applies until the rehearsal is stopped');
    count = wholeNumber(countText);
    if (count === undefined || count < 1 || count > MAX_FAILURE_COUNT) fail(`the count must be a whole number from 1 to ${MAX_FAILURE_COUNT}`);
  }
  if (percent === undefined) count ??= 1;
  return { answer, ...(count !== undefined ? { count } : {}), ...(percent !== undefined ? { percent } : {}), text: specText(answer, count, percent) };
}

function wholeNumber(text: string): number | undefined {
  return /^\d{1,6}$/.test(text) ? Number(text) : undefined;
}

function specText(answer: FailureAnswer, count: number | undefined, percent: number | undefined): string {
  const n = count !== undefined ? `:${count}` : '';
  const body =
    answer.kind === 'timeout'
      ? `timeout${n}`
      : answer.kind === 'slow'
        ? `slow:${answer.delaySeconds}${n}`
        : `${answer.status}${n}${answer.retryAfterSeconds !== undefined ? `:retry-after=${answer.retryAfterSeconds}` : ''}`;
  return percent !== undefined ? `${percent}%:${body}` : body;
}

/** "500", "503 Retry-After 5 s", "timeout", "slow 5 s". */
export function describeAnswer(answer: FailureAnswer): string {
  if (answer.kind === 'timeout') return 'timeout';
  if (answer.kind === 'slow') return `slow ${answer.delaySeconds} s`;
  return answer.retryAfterSeconds !== undefined ? `${answer.status} Retry-After ${answer.retryAfterSeconds} s` : String(answer.status);
}

/**
 * A plan in use: which deliveries to fail, counting down. One object for the whole rehearsal, so a
 * receiver restarted meanwhile (the editor's settings changed) goes on where it was.
 */
export class FailurePlan {
  private left: number | undefined;
  private answered = 0;
  private readonly changed = new Emitter<FailurePlan>();
  /** After every rehearsed delivery (the count went down, or a percentage hit). */
  readonly onDidChange: Event<FailurePlan> = this.changed.event;

  constructor(
    readonly spec: FailureSpec,
    /** [0, 1): decides a percentage (tests inject it). */
    private readonly random: () => number = Math.random,
  ) {
    this.left = spec.percent === undefined ? (spec.count ?? 1) : undefined;
  }

  static parse(text: string, random?: () => number): FailurePlan {
    return new FailurePlan(parseFailureSpec(text), random);
  }

  /** Deliveries still to fail (undefined for a percentage, which has no end). */
  get remaining(): number | undefined {
    return this.left;
  }

  /** How many deliveries it has answered so far. */
  get rehearsed(): number {
    return this.answered;
  }

  /** A counted plan that has failed its last delivery. */
  get done(): boolean {
    return this.left === 0;
  }

  /** Decides for one verified delivery: the answer to rehearse, or undefined to answer it normally. */
  take(): FailureAnswer | undefined {
    if (this.left === 0) return undefined;
    if (this.left === undefined) {
      if (this.random() * 100 >= (this.spec.percent ?? 0)) return undefined;
    } else this.left--;
    this.answered++;
    this.changed.fire(this);
    return this.spec.answer;
  }

  /** "next 3: 500", "next: timeout", "50 %: 503 Retry-After 5 s" — what is still to come. */
  describe(): string {
    const what = describeAnswer(this.spec.answer);
    if (this.left === undefined) return `${this.spec.percent} %: ${what}`;
    return this.left === 1 ? `next: ${what}` : `next ${this.left}: ${what}`;
  }

  /** "the next 3 verified deliveries are answered 500", "50 % of verified deliveries are held without an answer (timeout), until stopped". */
  summary(): string {
    const a = this.spec.answer;
    const what =
      a.kind === 'timeout'
        ? 'held without an answer (timeout)'
        : a.kind === 'slow'
          ? `answered after ${a.delaySeconds} s`
          : `answered ${a.status}${a.retryAfterSeconds !== undefined ? ` with Retry-After: ${a.retryAfterSeconds}` : ''}`;
    if (this.left === undefined) return `${this.spec.percent} % of verified deliveries are ${what}, until stopped`;
    return this.left === 1 ? `the next verified delivery is ${what}` : `the next ${this.left} verified deliveries are ${what}`;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** A record's rehearsal was a failure (not a slow success): the delivery was not processed. */
export function isRehearsedFailure(record: { readonly rehearsal?: RehearsedAnswer }): boolean {
  return record.rehearsal !== undefined && record.rehearsal.kind !== 'slow';
}

/** "answered 500 (rehearsed)", "no answer: held 15.0 s until the sender hung up (rehearsed timeout)"… */
export function describeRehearsal(r: RehearsedAnswer): string {
  const held = r.heldMs !== undefined ? `${(r.heldMs / 1000).toFixed(1)} s` : '';
  if (r.kind === 'status')
    return r.retryAfterSeconds !== undefined ? `answered ${r.status} with Retry-After: ${r.retryAfterSeconds} (rehearsed)` : `answered ${r.status} (rehearsed)`;
  if (r.kind === 'timeout')
    return r.senderHungUp ? `no answer: held ${held} until the sender hung up (rehearsed timeout)` : `no answer: closed after ${held} (rehearsed timeout)`;
  return r.senderHungUp
    ? `the usual ${r.status ?? 200} was due after ${r.delaySeconds} s, but the sender hung up after ${held} (rehearsed slow answer)`
    : `answered ${r.status ?? 200} after ${r.delaySeconds} s (rehearsed slow answer)`;
}
