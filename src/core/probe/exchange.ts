/**
 * One request of the probe and what became of it: an answer (status, time, the first bytes of the
 * body) or a failure told in words (refused, DNS, TLS, reset, not HTTP, no answer in time). The whole
 * exchange — connecting, the answer's headers and its body — has one deadline; an answer body is read
 * up to ANSWER_READ_LIMIT and then cut, so a handler that streams forever cannot hold the probe.
 * Redirects are never followed (the dispatcher is the caller's, without a redirect interceptor).
 */
import type { Dispatcher } from 'undici';
import { undici } from '../util/undici';
import { oneLine } from '../util/text';

/** Bytes of an answer body read before the rest is dropped. */
export const ANSWER_READ_LIMIT = 64 * 1024;
/** Characters of the answer body kept for the report. */
export const ANSWER_SHOWN_CHARS = 200;

export interface Answer {
  readonly kind: 'answer';
  readonly status: number;
  readonly location?: string;
  /** The start of the body, one line. */
  readonly body: string;
  /** True when the body was longer than ANSWER_READ_LIMIT and was cut. */
  readonly cut: boolean;
  readonly ms: number;
}

/** How a request failed without an answer. `unreachable` failures mean the URL leads to no HTTP server. */
export type FailureKind = 'unreachable' | 'timeout' | 'reset' | 'not-http' | 'aborted';

export interface Failure {
  readonly kind: 'failure';
  readonly failure: FailureKind;
  readonly reason: string;
  readonly code?: string;
  readonly ms: number;
}

export type Exchange = Answer | Failure;

export interface ExchangeRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly deadlineMs: number;
  readonly dispatcher: Dispatcher;
  /** The whole run's signal (the user cancelled). */
  readonly signal?: AbortSignal;
}

export async function exchange(req: ExchangeRequest): Promise<Exchange> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), req.deadlineMs);
  const onCancel = () => deadline.abort();
  req.signal?.addEventListener('abort', onCancel, { once: true });
  try {
    const res = await undici().request(req.url, {
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(req.body.length) },
      body: req.body,
      dispatcher: req.dispatcher,
      signal: deadline.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let cut = false;
    for await (const chunk of res.body) {
      const bytes = chunk as Buffer;
      chunks.push(bytes);
      size += bytes.length;
      if (size >= ANSWER_READ_LIMIT) {
        cut = true;
        res.body.destroy();
        break;
      }
    }
    const location = res.headers.location;
    const text = Buffer.concat(chunks).subarray(0, ANSWER_READ_LIMIT).toString('utf8');
    return {
      kind: 'answer',
      status: res.statusCode,
      ...(typeof location === 'string' ? { location: oneLine(location, 200) } : {}),
      body: oneLine(text, ANSWER_SHOWN_CHARS),
      cut,
      ms: ms(),
    };
  } catch (error) {
    if (req.signal?.aborted) return { kind: 'failure', failure: 'aborted', reason: 'cancelled', ms: ms() };
    if (deadline.signal.aborted) return { kind: 'failure', failure: 'timeout', reason: `no answer within ${seconds(req.deadlineMs)}`, ms: ms() };
    return { ...describeFailure(error, req.url), kind: 'failure', ms: ms() };
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onCancel);
  }
}

export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

const TLS_WORDS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate cannot be verified (an incomplete chain?)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer of its certificate is not trusted here',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
  CERT_REVOKED: 'its certificate is revoked',
};

/** A request error in words; exported for tests. */
export function describeFailure(error: unknown, url: string): { failure: FailureKind; reason: string; code?: string } {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  let where = url;
  try {
    where = new URL(url).host;
  } catch {
    // keep the URL
  }
  const with_ = (failure: FailureKind, reason: string) => (code ? { failure, reason: `${reason} (${code})`, code } : { failure, reason });
  switch (code) {
    case 'ECONNREFUSED':
      return with_('unreachable', `connection refused: nothing listens on ${where} (is the handler running?)`);
    case 'ENOTFOUND':
      return with_('unreachable', `DNS: the host name of ${where} does not resolve (a typo, or offline?)`);
    case 'EAI_AGAIN':
      return with_('unreachable', `DNS: the host name of ${where} could not be resolved just now (offline?)`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return with_('unreachable', `no route to ${where}`);
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return with_('unreachable', `the connection to ${where} timed out (a firewall, or the wrong port?)`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return with_('reset', 'the connection was closed before an answer came');
    default:
      break;
  }
  if (code && (TLS_WORDS[code] || /^(ERR_SSL|ERR_TLS|CERT_|UNABLE_TO_)/.test(code) || code === 'EPROTO'))
    return with_(
      'unreachable',
      `TLS: ${TLS_WORDS[code] ?? (/wrong version number/i.test(message) ? 'the server does not speak TLS (http://, not https://?)' : message)}`,
    );
  if (code?.startsWith('HPE_') || (error instanceof Error && error.name === 'HTTPParserError'))
    return with_('not-http', `the answer is not HTTP: ${message} (is this port an HTTP server?)`);
  return with_('reset', message || 'the request failed');
}

function errorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string' && e.code !== 'UND_ERR_ABORTED') return e.code;
    if (Array.isArray(e.errors) && e.errors.length > 0) current = e.errors[0];
    else current = e.cause;
  }
  return undefined;
}
