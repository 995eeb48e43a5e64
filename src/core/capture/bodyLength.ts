/**
 * The body of a text capture against the request's own framing headers.
 *
 * The rule (written down in docs/verify.md): the body is verified exactly as captured. When the request
 * says `content-length: N` and the capture holds more than N bytes, but everything past N is line
 * ends or blanks (a log, a terminal or an editor adds a final newline), those trailing bytes are
 * dropped: the sender's own header proves they were not part of the body. Any other disagreement is
 * kept as captured and named in a note (which is which), so an INVALID verdict can be read next to it.
 * A `transfer-encoding: chunked` body copied raw from the wire is de-chunked first.
 */

/** The body to verify, and what was noticed on the way. */
export interface FramedBody {
  readonly body: Buffer;
  readonly notes: string[];
}

export function frameBody(headers: Readonly<Record<string, string>>, captured: Buffer, hint?: string): FramedBody {
  const notes: string[] = [];
  let body = captured;
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
    const decoded = dechunk(body);
    if (decoded) {
      body = decoded;
      notes.push('the body was sent chunked (transfer-encoding: chunked): verified the de-chunked bytes');
    } else {
      notes.push('transfer-encoding says chunked but the body is not in chunked form: verified as captured');
    }
    return { body, notes };
  }
  const declared = headers['content-length'];
  if (declared === undefined) return { body, notes };
  if (!/^\s*\d+\s*$/.test(declared)) {
    notes.push(`content-length "${declared.slice(0, 40)}" is not a number: ignored`);
    return { body, notes };
  }
  const length = Number(declared.trim());
  if (length === body.length) return { body, notes };
  if (body.length > length && isBlank(body.subarray(length))) {
    notes.push(`dropped ${body.length - length} trailing line-end byte${body.length - length === 1 ? '' : 's'} after the body (content-length says ${length})`);
    return { body: body.subarray(0, length), notes };
  }
  notes.push(
    `content-length says ${length} byte${length === 1 ? '' : 's'} but the captured body has ${body.length}: verified the body as captured${hint ? ` (${hint})` : ''}`,
  );
  return { body, notes };
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x0a && b !== 0x0d && b !== 0x20 && b !== 0x09) return false;
  return true;
}

/** Decodes an HTTP/1.1 chunked body (hex size line, data, CRLF, … `0`, optional trailers); undefined when it is not one. */
export function dechunk(raw: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = raw.indexOf('\n', pos);
    if (eol === -1) return undefined;
    const sizeLine = raw.subarray(pos, eol).toString('latin1').replace(/\r$/, '');
    const m = /^([0-9a-fA-F]{1,8})(?:;.*)?$/.exec(sizeLine.trim());
    if (!m) return undefined;
    const size = parseInt(m[1], 16);
    pos = eol + 1;
    if (size === 0) return Buffer.concat(parts);
    if (pos + size > raw.length) return undefined;
    parts.push(raw.subarray(pos, pos + size));
    pos += size;
    // The CRLF (or LF) that ends the chunk's data.
    if (raw[pos] === 0x0d) pos++;
    if (raw[pos] !== 0x0a) return undefined;
    pos++;
  }
}
