/**
 * One keep-alive connection pool (an undici Agent) shared by every call, with connect, headers and
 * body timeouts; JSON in and out; retries for idempotent methods; typed errors.
 * The API key goes only into the `x-goog-api-key` header and is never part of a log line or error.
 */
import type { Agent, Dispatcher } from 'undici';
import { LazyAgent, undici } from '../util/undici';
import { ApiError, ApiKeyFormatError, NetworkError, apiKeyProblem, checkBaseUrl, parseErrorEnvelope } from './errors';
import { DEFAULT_RETRY_POLICY, RETRYABLE_METHODS, RetryPolicy, abortReason, backoffDelay, isRetryableStatus, parseRetryAfter, sleep } from './retry';

export interface TransportOptions {
  /**
   * e.g. https://generativelanguage.googleapis.com or http://127.0.0.1:PORT (no trailing path needed).
   * Plain http:// is refused unless the host is loopback (BaseUrlError): the key would travel in clear.
   */
  readonly baseUrl: string;
  /** Path segment of the API version: v1beta (reference) or v1 (guide). */
  readonly apiVersion: string;
  /** Asked before every call, so a key changed in SecretStorage applies at once. */
  readonly apiKey: () => Promise<string | undefined>;
  /** Applies to connecting, to waiting for the headers, and to the gaps while reading the body. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** One line per attempt (method, path, status, time); never the key. */
  readonly log?: (line: string) => void;
  /** Share a pool (e.g. between clients); otherwise the transport owns one. */
  readonly dispatcher?: Agent;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export class Transport {
  /** The caller's pool, or one of our own made at the first call (undici loads only then). */
  private readonly agent: Agent | LazyAgent;
  private readonly ownsAgent: boolean;
  private readonly policy: RetryPolicy;
  /** scheme://host:port of the API: the only place the key is sent. */
  readonly origin: string;
  private readonly prefix: string;

  constructor(private readonly options: TransportOptions) {
    const timeout = options.timeoutMs ?? 30_000;
    this.ownsAgent = !options.dispatcher;
    this.agent =
      options.dispatcher ?? new LazyAgent({ connectTimeout: timeout, headersTimeout: timeout, bodyTimeout: timeout, keepAliveTimeout: 10_000, connections: 8 });
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const base = checkBaseUrl(options.baseUrl);
    this.origin = base.origin;
    const basePath = base.pathname.replace(/\/+$/, '');
    this.prefix = `${basePath}/${options.apiVersion.replace(/^\/+|\/+$/g, '')}`;
  }

  /** Host shown in "can't reach" messages. */
  get host(): string {
    return new URL(this.origin).host;
  }

  /** Calls `method {prefix}{path}` and answers the parsed JSON body ({} when empty). */
  async call(method: Method, path: string, query: Record<string, string | number | undefined>, body: unknown, opts: CallOptions = {}): Promise<unknown> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
    const pathAndQuery = `${this.prefix}${path}${qs.size ? `?${qs.toString()}` : ''}`;
    return this.attempts(method, pathAndQuery, (signal) => this.once(method, pathAndQuery, body, signal), opts);
  }

  /**
   * GETs a file on the API's own origin as text (a batch's results), retried like every GET. `pathAndQuery`
   * is taken as it is (no version prefix: the real service serves files under `/download/{version}/`);
   * the key goes only to this origin. At most `maxBytes` are read: `truncated` says when there was more.
   */
  async download(pathAndQuery: string, maxBytes: number, opts: CallOptions = {}): Promise<{ text: string; truncated: boolean }> {
    const path = pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`;
    const value = await this.attempts('GET', path, (signal) => this.once('GET', path, undefined, signal, maxBytes), opts);
    return value as { text: string; truncated: boolean };
  }

  /** Version prefix of the API paths, e.g. `/v1beta` (a file download lives under `/download/v1beta`). */
  get versionPrefix(): string {
    return this.prefix;
  }

  private async attempts(
    method: Method,
    pathAndQuery: string,
    once: (signal: AbortSignal | undefined) => Promise<{ status: number; value?: unknown; error?: ApiError }>,
    opts: CallOptions,
  ): Promise<unknown> {
    const retryable = RETRYABLE_METHODS.has(method);
    for (let attempt = 1; ; attempt++) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      const started = Date.now();
      try {
        const result = await once(opts.signal);
        this.options.log?.(`${method} ${pathAndQuery} → ${result.status} (${Date.now() - started} ms)`);
        if (result.error === undefined) return result.value;
        const error = result.error;
        // A retried DELETE that finds nothing: the earlier attempt (whose answer was lost) deleted it.
        if (method === 'DELETE' && attempt > 1 && error.httpStatus === 404) {
          this.options.log?.(`${method} ${pathAndQuery}: 404 on a retry, so the earlier attempt succeeded`);
          return {};
        }
        if (!retryable || !isRetryableStatus(error.httpStatus) || attempt >= this.policy.maxAttempts) throw error;
        const delay = this.retryDelay(error, attempt);
        if (delay === undefined) throw error;
        this.options.log?.(`retrying ${method} ${pathAndQuery} in ${delay} ms (attempt ${attempt + 1})`);
        await sleep(delay, opts.signal);
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        this.options.log?.(`${method} ${pathAndQuery} → ${error.causeCode ?? 'network error'} (${Date.now() - started} ms)`);
        if (!retryable || attempt >= this.policy.maxAttempts) throw error;
        await sleep(backoffDelay(this.policy, attempt), opts.signal);
      }
    }
  }

  private retryDelay(error: ApiError, attempt: number): number | undefined {
    if (error.retryAfterSeconds !== undefined) {
      const ms = error.retryAfterSeconds * 1000;
      return ms > this.policy.maxRetryAfterMs ? undefined : ms;
    }
    return backoffDelay(this.policy, attempt);
  }

  /** One request; with `rawLimit`, a 2xx body is answered as text (at most that many bytes) instead of parsed JSON. */
  private async once(
    method: Method,
    pathAndQuery: string,
    body: unknown,
    signal: AbortSignal | undefined,
    rawLimit?: number,
  ): Promise<{ status: number; value?: unknown; error?: ApiError }> {
    const headers: Record<string, string> = { accept: rawLimit === undefined ? 'application/json' : '*/*', 'user-agent': 'gemini-webhooks-vscode' };
    const key = await this.options.apiKey();
    if (key) {
      if (apiKeyProblem(key)) throw new ApiKeyFormatError();
      headers['x-goog-api-key'] = key;
    }
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    let response: Dispatcher.ResponseData;
    try {
      const dispatcher = this.agent instanceof LazyAgent ? this.agent.get() : this.agent;
      response = await undici().request(`${this.origin}${pathAndQuery}`, { method, headers, body: payload, signal, dispatcher });
    } catch (error) {
      throw this.wrapNetworkError(error, signal);
    }
    const status = response.statusCode;
    const ok = status >= 200 && status < 300;
    let text: string;
    let truncated = false;
    try {
      if (ok && rawLimit !== undefined) ({ text, truncated } = await readBounded(response.body, rawLimit));
      else text = await response.body.text();
    } catch (error) {
      throw this.wrapNetworkError(error, signal);
    }
    if (ok && rawLimit !== undefined) return { status, value: { text, truncated } };
    if (ok) {
      if (text.trim() === '') return { status, value: {} };
      try {
        return { status, value: JSON.parse(text) as unknown };
      } catch {
        return { status, error: new ApiError(status, status, 'INTERNAL', `The server answered ${status} with a body that is not JSON.`) };
      }
    }
    return { status, error: parseErrorEnvelope(status, text, parseRetryAfter(response.headers['retry-after'])) };
  }

  private wrapNetworkError(error: unknown, signal: AbortSignal | undefined): Error {
    if (signal?.aborted) return abortReason(signal);
    if (error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR')) return error;
    // undici refuses a request it cannot build (e.g. an invalid header value): that is not the network.
    if ((error as { code?: string } | undefined)?.code === 'UND_ERR_INVALID_ARG')
      return new Error('The request could not be built (an invalid header or argument); nothing was sent.');
    const code = (error as { code?: string } | undefined)?.code ?? (error as { cause?: { code?: string } } | undefined)?.cause?.code;
    const detail = error instanceof Error ? error.message : String(error);
    return new NetworkError(this.host, code, `Can't reach ${this.host}: ${code ?? detail}`);
  }

  /** Closes the pool's connections (when this transport owns it). */
  async close(): Promise<void> {
    if (this.ownsAgent) await (this.agent instanceof LazyAgent ? this.agent.made : this.agent)?.close();
  }
}

/** Reads at most `limit` bytes of a body as UTF-8 (a character cut at the limit is dropped), then stops reading it. */
export async function readBounded(body: Dispatcher.ResponseData['body'], limit: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = limit - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      size = limit;
      truncated = true;
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  if (truncated) body.destroy();
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks, size), { stream: truncated });
  return { text, truncated };
}
