/**
 * Typed failures of the REST client:
 * - ApiError: the service answered with an error (Google's envelope `{ error: { code, message, status } }`);
 * - NetworkError: no answer at all (refused, reset, DNS, timeout).
 * Messages never carry the API key: they are built from the status line and the service's message only.
 */
import { checkHttpUrl } from '../util/url';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status of the answer. */
    readonly httpStatus: number,
    /** `error.code` from the envelope (usually equal to httpStatus). */
    readonly code: number,
    /** `error.status`, e.g. NOT_FOUND, INVALID_ARGUMENT; derived from the HTTP status when absent. */
    readonly status: string,
    message: string,
    /** Seconds the service asked us to wait (Retry-After), when it said so. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    /** Host (and port) that could not be reached. */
    readonly host: string,
    /** The underlying error code, e.g. ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT. */
    readonly causeCode: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The API base URL cannot be used: not a URL, not http(s), or plain http to a non-loopback host (the key would travel in clear). */
export class BaseUrlError extends Error {
  override readonly name = 'BaseUrlError';
  constructor(message: string) {
    super(message);
  }
}

/** The API key cannot go into a header (spaces, line breaks, control characters). The key itself is never in the message. */
export class ApiKeyFormatError extends Error {
  override readonly name = 'ApiKeyFormatError';
  constructor(message = 'The API key contains spaces, line breaks or other characters an HTTP header cannot carry. Set it again.') {
    super(message);
  }
}

/** Why an API key cannot be sent, or undefined when it can: one run of visible ASCII characters. */
export function apiKeyProblem(key: string): string | undefined {
  if (key === '') return 'The API key cannot be empty.';
  if (/\s/.test(key)) return 'The API key cannot contain spaces or line breaks.';
  if (!/^[\x21-\x7e]+$/.test(key)) return 'The API key can only contain visible ASCII characters (no control characters).';
  return undefined;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** Whether `hostname` (as URL.hostname gives it) is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname.toLowerCase().endsWith('.localhost');
}

/** Parses and checks an API base URL; throws BaseUrlError naming the problem (never echoing credentials). */
export function checkBaseUrl(baseUrl: string): URL {
  const check = checkHttpUrl(baseUrl, { allowCredentials: true }); // credentials get their own message below
  if (!check.ok) {
    if (check.problem === 'not_http') throw new BaseUrlError(`The API base URL must start with https:// (not ${new URL(baseUrl.trim()).protocol}).`);
    throw new BaseUrlError('The API base URL is not a valid absolute URL (e.g. https://generativelanguage.googleapis.com).');
  }
  const url = check.url;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new BaseUrlError(
      `The API base URL uses plain http:// to ${url.hostname}: the API key would travel unencrypted. Use https://, or http:// only to this machine (127.0.0.1, localhost).`,
    );
  }
  if (url.username || url.password) throw new BaseUrlError('Leave credentials out of the API base URL (the key is sent in a header).');
  return url;
}

const STATUS_BY_HTTP: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Builds an ApiError from an error answer; any body shape is tolerated (HTML proxies, empty bodies). */
export function parseErrorEnvelope(httpStatus: number, bodyText: string, retryAfterSeconds?: number): ApiError {
  let code = httpStatus;
  let status = STATUS_BY_HTTP[httpStatus] ?? (httpStatus >= 500 ? 'INTERNAL' : 'UNKNOWN');
  let message = `HTTP ${httpStatus}`;
  try {
    const parsed = JSON.parse(bodyText) as unknown;
    const error = (parsed && typeof parsed === 'object' ? (parsed as { error?: unknown }).error : undefined) as
      { code?: unknown; status?: unknown; message?: unknown } | undefined;
    if (error && typeof error === 'object') {
      if (typeof error.code === 'number') code = error.code;
      if (typeof error.status === 'string' && error.status) status = error.status;
      if (typeof error.message === 'string' && error.message) message = error.message;
    }
  } catch {
    const text = bodyText.trim();
    if (text && text.length <= 200 && !text.startsWith('<')) message = `HTTP ${httpStatus}: ${text}`;
  }
  return new ApiError(httpStatus, code, status, message, retryAfterSeconds);
}

export function isNotFound(error: unknown): error is ApiError {
  return error instanceof ApiError && error.httpStatus === 404;
}
