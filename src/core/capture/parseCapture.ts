/**
 * Reads a captured delivery in whichever form it comes, told apart by its text:
 * - starts with `{` or `[` → exported inspector record(s) (JSON, JSON Lines);
 * - `> POST /path HTTP/1.1` lines → `curl -v` output (even after the command that printed it);
 * - a `curl` command (possibly after a prompt, or fed by `printf … |`) → the curl command line;
 * - anything else → a raw HTTP request.
 * Bad input gets a plain reason, never an exception: empty, binary, over MAX_CAPTURE_BYTES, or
 * whatever the form's reader found wrong.
 */
import { isUtf8 } from 'node:buffer';
import { parseCurlCommand } from './curlCommand';
import { parseExportedRecords } from './exportedRecord';
import { CURL_VERBOSE_REQUEST, parseCurlVerbose, parseHttpRequest } from './httpText';
import { CapturedRequest, CaptureParseResult, MAX_CAPTURE_BYTES } from './types';

const CURL_START = /^(?:[$%>#] +)?(?:\S*\/)?(?:curl(?:\.exe)?|printf|echo|cat)\s/;

export function parseCapture(input: string | Uint8Array): CaptureParseResult {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > MAX_CAPTURE_BYTES) return fail(`the capture is ${megabytes(size)}, over the ${megabytes(MAX_CAPTURE_BYTES)} limit`);
  const raw = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  // A byte-order mark from an editor or a Windows tool is not part of the capture.
  const bytes = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? raw.subarray(3) : raw;
  if (bytes.toString('latin1').trim() === '') return fail('the capture is empty');
  const head = headOf(bytes);
  if (looksBinary(head)) return fail(`the capture is binary data (${size} bytes), not a request, an exported record or a curl command`);

  const start = bytes.toString('utf8', 0, Math.min(bytes.length, 4096)).trimStart();
  let read: CapturedRequest | CapturedRequest[] | string;
  if (start.startsWith('{') || start.startsWith('[')) {
    read = isUtf8(bytes) ? parseExportedRecords(bytes.toString('utf8')) : 'the JSON is not valid UTF-8';
  } else if (CURL_VERBOSE_REQUEST.test(head.toString('utf8'))) {
    // Before the curl command: a transcript often starts with the command that produced it.
    read = parseCurlVerbose(bytes);
  } else if (CURL_START.test(start) && /(^|[\s|/])curl(\.exe)?\s/.test(bytes.toString('utf8'))) {
    read = isUtf8(bytes) ? parseCurlCommand(bytes.toString('utf8')) : 'the curl command is not valid UTF-8 text';
  } else {
    read = parseHttpRequest(bytes);
  }
  if (typeof read === 'string') return fail(read);
  return { ok: true, captures: Array.isArray(read) ? read : [read] };
}

function fail(reason: string): CaptureParseResult {
  return { ok: false, reason };
}

/** The part that must be text in every form: up to the first blank line (a raw request's body may be anything), at most 64 KB. */
function headOf(bytes: Buffer): Buffer {
  const limit = Math.min(bytes.length, 64 * 1024);
  const lf = bytes.indexOf('\n\n');
  const crlf = bytes.indexOf('\r\n\r\n');
  const ends = [lf, crlf].filter((i) => i !== -1 && i < limit);
  return bytes.subarray(0, ends.length > 0 ? Math.min(...ends) : limit);
}

function looksBinary(head: Buffer): boolean {
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) || b === 0x7f) control++;
  }
  if (control > 0) return true;
  if (isUtf8(head)) return false;
  // A multi-byte character cut at the 64 KB boundary is not binary; invalid UTF-8 anywhere else is.
  let end = head.length;
  while (end > 0 && head.length - end < 3 && (head[end - 1] & 0xc0) === 0x80) end--;
  if (end > 0 && head[end - 1] >= 0xc0) end--;
  return !isUtf8(head.subarray(0, end));
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes >= 100 * 1024 * 1024 ? 0 : 1).replace(/\.0$/, '')} MB`;
}
