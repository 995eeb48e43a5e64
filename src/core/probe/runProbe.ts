/**
 * Runs the probe against a handler: the first check alone (it tells an unreachable URL from a handler
 * that answers), then every other check at once, each with its own deadline — so a handler that hangs
 * costs two deadlines, not thirty. Every answer is graded against what a correct handler answers;
 * redirects are failures (Standard Webhooks treats 3xx as a failed delivery) and are never followed.
 * Resolves to the report, or to why the URL cannot be graded (refused, DNS, TLS, not HTTP).
 * Rejects with an AbortError when `signal` aborts.
 */
import { undici } from '../util/undici';
import { checkHttpUrl, describeHttpUrlProblem } from '../util/url';
import { findCauses } from './causes';
import { CheckContext, CheckSpec, probeChecks } from './checks';
import { describeFailure, exchange, Exchange, seconds } from './exchange';
import { ForeignKeys, ProbeKeys } from './keys';
import { CheckResult, ProbeOutcome } from './types';

export const DEFAULT_DEADLINE_MS = 5_000;

export interface ProbeOptions {
  /** The handler's http(s) URL. */
  readonly url: string;
  /** The handler's signing secrets (whsec_…); none: the static checks are skipped (then `dynamic` is needed). */
  readonly secrets: readonly string[];
  /**
   * Dynamic checks: the probe's key set (published at `jwksUri`), the `aud` its tokens carry (default: the URL),
   * and how many times its key server has been asked for the keys so far (read after the run: 0 means the
   * handler is not pointed at it).
   */
  readonly dynamic?: { readonly keys: ProbeKeys; readonly jwksUri: string; readonly audience?: string; readonly keyFetches?: () => number };
  /** How this surface names the secrets, for the summary when the handler refuses them all: `the secret of "Batch results"`, `the secret given with --secret`. */
  readonly secretsName?: string;
  /** How this surface asks for dynamic checks, for the note when they were not run: "ask for them with --dynamic". */
  readonly askForDynamic?: string;
  /** Per answer; default DEFAULT_DEADLINE_MS. */
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
  /** After each check, in completion order. */
  readonly onProgress?: (done: number, total: number, result: CheckResult) => void;
}

/** Why a URL cannot be probed (checkHttpUrl: absolute http(s) with a host, no credentials), or undefined when it can. */
export function probeUrlProblem(url: string): string | undefined {
  const check = checkHttpUrl(url);
  if (check.ok) return undefined;
  return `not a URL the probe can POST to: ${describeHttpUrlProblem(check.problem)}${check.problem === 'not_http' ? ` (got ${JSON.stringify(url.trim().slice(0, 80))})` : ''}`;
}

export async function runProbe(options: ProbeOptions): Promise<ProbeOutcome> {
  const problem = probeUrlProblem(options.url);
  if (problem) throw new RangeError(problem);
  if (options.secrets.length === 0 && !options.dynamic) throw new RangeError('nothing to check: give a signing secret, or ask for dynamic checks');
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const started = Date.now();
  const clock = performance.now();
  const audience = options.dynamic?.audience ?? options.url;
  const ctx: CheckContext = {
    secrets: options.secrets,
    now: () => Math.floor(Date.now() / 1000),
    ...(options.dynamic ? { dynamic: { keys: options.dynamic.keys, foreign: await ForeignKeys.generate(), audience } } : {}),
  };
  const specs = probeChecks(ctx);
  // Connecting gives up a little before the deadline, so a host that never accepts is "unreachable" (exit 2), not a slow answer.
  const dispatcher = new (undici().Agent)({
    connect: { timeout: Math.max(100, deadlineMs - 250) },
    headersTimeout: deadlineMs + 1_000,
    bodyTimeout: deadlineMs + 1_000,
    keepAliveTimeout: 1_000,
  });
  // Whether a connection was ever made: a first check that ran out of time before one was is an unreachable
  // host, whatever the connect timer's granularity (undici's timers can fire a connect timeout late).
  let connected = false;
  dispatcher.on('connect', () => (connected = true));
  const results = new Map<string, CheckResult>();
  const run = async (spec: CheckSpec): Promise<Exchange> => {
    throwIfAborted(options.signal);
    const req = spec.build();
    const got = await exchange({ url: options.url, headers: req.headers, body: req.body, deadlineMs, dispatcher, signal: options.signal });
    throwIfAborted(options.signal);
    const result = grade(spec, got, deadlineMs);
    results.set(spec.name, result);
    options.onProgress?.(results.size, specs.length, result);
    return got;
  };
  try {
    const unreachable = whyUnreachable(await run(specs[0]), connected, options.url);
    if (unreachable) return { kind: 'unreachable', unreachable: { url: options.url, ...unreachable } };
    await Promise.all(specs.slice(1).map(run));
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
  const { checks, causes } = findCauses(
    specs.map((s) => results.get(s.name)!),
    {
      secretsName: options.secretsName ?? (options.secrets.length === 1 ? 'the signing secret given' : 'the signing secrets given'),
      secretCount: options.secrets.length,
      ...(options.dynamic ? { dynamic: { jwksUri: options.dynamic.jwksUri, audience, keyFetches: options.dynamic.keyFetches?.() } } : {}),
    },
  );
  const passed = checks.filter((c) => c.ok).length;
  const notes: string[] = [];
  if (options.secrets.length === 0) notes.push('static checks skipped: no signing secret given');
  if (!options.dynamic) notes.push(`dynamic checks not run${options.askForDynamic ? ` (${options.askForDynamic})` : ''}`);
  return {
    kind: 'report',
    report: {
      url: options.url,
      passed,
      failed: checks.length - passed,
      checks,
      startedAt: new Date(started).toISOString(),
      durationMs: Math.round(performance.now() - clock),
      deadlineMs,
      secrets: options.secrets.length,
      ...(options.dynamic ? { dynamic: { jwksUri: options.dynamic.jwksUri, audience } } : {}),
      causes,
      notes,
    },
  };
}

/** Why the first exchange shows the URL leads to no HTTP server — refused, DNS, TLS, not HTTP, or out of time before any connection was made — or undefined. */
function whyUnreachable(first: Exchange, connected: boolean, url: string): { reason: string; code?: string } | undefined {
  if (first.kind !== 'failure') return undefined;
  const failure =
    first.failure === 'timeout' && !connected ? describeFailure(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), url) : first;
  if (failure.failure !== 'unreachable' && failure.failure !== 'not-http') return undefined;
  return { reason: failure.reason, ...(failure.code ? { code: failure.code } : {}) };
}

/** Grades one exchange: the expected status class, in time, no redirect, and never a 5xx (it means "retry"). */
export function grade(spec: CheckSpec, got: Exchange, deadlineMs: number): CheckResult {
  const base = { name: spec.name, title: spec.title, group: spec.group, expected: spec.expected, sent: spec.sent, why: spec.why, fix: spec.fix };
  if (got.kind === 'failure') {
    const reason = got.failure === 'reset' || got.failure === 'not-http' ? `${got.reason} after ${got.ms} ms` : got.reason;
    return { ...base, ok: false, status: null, ms: got.ms, got: reason };
  }
  const cut = got.cut ? ' (answer body cut at 64 KiB)' : '';
  let verdict: string | undefined;
  if (got.ms > deadlineMs) verdict = `answered after ${seconds(got.ms)}, over the ${seconds(deadlineMs)} deadline`;
  else if (got.status >= 300 && got.status < 400)
    verdict = `a redirect${got.location ? ` to ${got.location}` : ''}: senders do not follow redirects, a 3xx is a failed delivery`;
  else if (got.status >= 500 && spec.expected === '4xx') verdict = 'expected 4xx: a 5xx tells the sender to retry it (refuse it with 400 or 401)';
  else if (got.status < 200 || !(spec.expected === '2xx' ? got.status < 300 : got.status >= 400)) verdict = `expected ${spec.expected}`;
  const text = `${got.status} in ${got.ms} ms${cut}${verdict ? ` — ${verdict}` : ''}`;
  return { ...base, ok: verdict === undefined, status: got.status, ms: got.ms, got: text, ...(got.body !== '' ? { body: got.body } : {}) };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const error = new Error('The probe was cancelled');
    error.name = 'AbortError';
    throw error;
  }
}
