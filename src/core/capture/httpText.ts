/**
 * A raw HTTP request as a server log, a tunnel inspector (ngrok's "Raw" tab) or a proxy shows it:
 * an optional request line (`POST /webhooks HTTP/1.1`), header lines, a blank line, the body.
 * CRLF and LF-only line ends are both read; folded header lines are joined; HTTP/2 pseudo-headers
 * (`:method`, `:path`) are understood. Also `curl -v` output, whose `> ` lines are the request.
 */
import { frameBody } from './bodyLength';
import { addHeader, CapturedRequest } from './types';
import { oneLine } from '../util/text';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^([A-Z][A-Z-]*) +(\S+)(?: +HTTP\/\d(?:\.\d)?)?$/;
const STATUS_LINE = /^HTTP\/\d(?:\.\d)? \d{3}\b/;

/** A request line of `curl -v`: `> POST /webhooks HTTP/1.1`. */
export const CURL_VERBOSE_REQUEST = /^> ?[A-Z][A-Z-]* +\S+ +HTTP\/\d(?:\.\d)?\r?$/m;

/** Reads a raw HTTP request; a string is the reason it is not one. */
export function parseHttpRequest(raw: Buffer, source = 'raw HTTP request', hint?: string): CapturedRequest | string {
  const headers: Record<string, string> = {};
  let method: string | undefined;
  let path: string | undefined;
  let pos = 0;
  // Leading blank lines (a copy often starts with one) are not the header/body separator.
  while (pos < raw.length && (raw[pos] === 0x0a || raw[pos] === 0x0d || raw[pos] === 0x20 || raw[pos] === 0x09)) pos++;
  let lineNo = 0;
  let last: string | undefined;
  let bodyStart = -1;
  while (pos < raw.length) {
    const nl = raw.indexOf(0x0a, pos);
    const end = nl === -1 ? raw.length : nl;
    const line = raw.subarray(pos, end).toString('utf8').replace(/\r$/, '');
    lineNo++;
    pos = nl === -1 ? raw.length : nl + 1;
    if (line.trim() === '') {
      bodyStart = pos;
      break;
    }
    if (lineNo === 1) {
      if (STATUS_LINE.test(line)) return `this is an HTTP response (${clipLine(line)}), not the request that was delivered`;
      const m = REQUEST_LINE.exec(line);
      if (m) {
        method = m[1];
        path = pathOf(m[2]);
        continue;
      }
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      headers[last] = `${headers[last]} ${line.trim()}`.trim(); // obs-fold: a continued header value
      continue;
    }
    const colon = line.indexOf(':', line.startsWith(':') ? 1 : 0);
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    const value = colon > 0 ? line.slice(colon + 1).trim() : '';
    if (name.startsWith(':')) {
      if (name === ':method') method = value;
      else if (name === ':path') path = value;
      continue;
    }
    if (colon <= 0 || !TOKEN.test(name)) {
      if (lineNo === 1 && Object.keys(headers).length === 0)
        return `line 1 is neither a request line ("POST /path HTTP/1.1") nor a header ("name: value"): ${clipLine(line)}`;
      const bodyLike = /^\s*[[{"]/.test(line);
      return bodyLike
        ? `no blank line between the headers and the body: line ${lineNo} (${clipLine(line)}) looks like the body — put an empty line before it`
        : `line ${lineNo} is not a header ("name: value"): ${clipLine(line)}`;
    }
    addHeader(headers, name, value);
    last = name.toLowerCase();
  }
  if (Object.keys(headers).length === 0) return 'no headers found: a captured request needs its webhook-id, webhook-timestamp and webhook-signature headers';
  const captured = bodyStart === -1 ? Buffer.alloc(0) : raw.subarray(bodyStart);
  const framed = frameBody(headers, captured, hint);
  return {
    form: source === 'curl -v output' ? 'curl-verbose' : 'http',
    source,
    headers,
    rawBody: Buffer.from(framed.body),
    ...(method !== undefined ? { method } : {}),
    ...(path !== undefined ? { path } : {}),
    notes: framed.notes,
  };
}

/**
 * `curl -v` output: the `> ` lines are the request line and headers; curl does not print the body,
 * so text pasted right after the `>` block (before the next `*`, `<` or `{ [`/`} [` line) is taken as the body.
 */
export function parseCurlVerbose(raw: Buffer): CapturedRequest | string {
  const text = raw.toString('utf8');
  const lines = text.split('\n');
  const head: string[] = [];
  const body: string[] = [];
  let state: 'before' | 'request' | 'body' | 'done' = 'before';
  for (const rawLine of lines) {
    const line = rawLine.replace(/\r$/, '');
    if (state === 'before') {
      if (/^> ?\S/.test(line)) {
        state = 'request';
        head.push(line.replace(/^> ?/, ''));
      }
      continue;
    }
    if (state === 'request') {
      if (/^>/.test(line)) {
        const content = line.replace(/^> ?/, '');
        if (content.trim() === '') state = 'body';
        else head.push(content);
        continue;
      }
      state = 'body'; // the > block ended without its empty > line
    }
    if (state === 'body') {
      if (/^([*<>]|[{}] \[)/.test(line)) {
        state = 'done';
        continue;
      }
      body.push(rawLine);
    }
  }
  if (head.length === 0) return 'curl -v output without any "> " request lines';
  // The body lines as they were in the capture (their own line ends), minus the line end that closes the last one.
  const bodyText = body.join('\n').replace(/\r?\n?$/, '');
  const request = Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'utf8'), Buffer.from(bodyText, 'utf8')]);
  const hint = bodyText === '' ? 'curl -v does not print the request body: paste it after the "> " lines' : undefined;
  return parseHttpRequest(request, 'curl -v output', hint);
}

function pathOf(target: string): string {
  if (/^https?:\/\//i.test(target)) {
    try {
      const u = new URL(target);
      return `${u.pathname}${u.search}`;
    } catch {
      return target;
    }
  }
  return target;
}

function clipLine(line: string): string {
  return `"${oneLine(line, 60)}"`;
}
