/**
 * Exported inspector records: what "Export Events" and the history file write (`toJsonLines` in
 * src/core/receiver/history.ts) — one ReceivedDelivery JSON object per line — or one such object
 * (pretty-printed or not), or a JSON array of them. The body is the stored text, base64 when
 * `bodyEncoding` says so; a record whose body was truncated when stored cannot be verified.
 */
import { FramedBody, frameBody } from './bodyLength';
import { addHeader, CapturedRequest } from './types';
import { oneLine } from '../util/text';

/** Reads records from JSON text; a string is the reason it holds none. */
export function parseExportedRecords(text: string): CapturedRequest[] | string {
  const values: Array<{ value: unknown; line?: number }> = [];
  let whole: unknown;
  let wholeError: string | undefined;
  try {
    whole = JSON.parse(text);
  } catch (error) {
    wholeError = error instanceof Error ? error.message : String(error);
  }
  if (wholeError === undefined) {
    if (Array.isArray(whole)) whole.forEach((value) => values.push({ value }));
    else values.push({ value: whole });
  } else {
    const lines = text.split('\n');
    const filled = lines.filter((l) => l.trim() !== '').length;
    if (filled < 2) return `not JSON: ${oneLine(wholeError, 120)}`;
    for (let k = 0; k < lines.length; k++) {
      if (lines[k].trim() === '') continue;
      try {
        values.push({ value: JSON.parse(lines[k]), line: k + 1 });
      } catch (error) {
        return `line ${k + 1} is not JSON (${oneLine(error instanceof Error ? error.message : String(error), 100)}): a JSON Lines export holds one record per line`;
      }
    }
  }
  if (values.length === 0) return 'the JSON holds no records';
  const captures: CapturedRequest[] = [];
  for (let k = 0; k < values.length; k++) {
    const where = values[k].line !== undefined ? `line ${values[k].line}` : values.length > 1 ? `record ${k + 1}` : 'the JSON';
    const capture = fromRecord(values[k].value, where);
    if (typeof capture === 'string') return capture;
    captures.push(capture);
  }
  return captures;
}

function fromRecord(value: unknown, where: string): CapturedRequest | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `${where} is not an exported inspector record (a JSON object with headers and body)`;
  const r = value as Record<string, unknown>;
  if (typeof r.headers !== 'object' || r.headers === null || Array.isArray(r.headers) || typeof r.body !== 'string') {
    const hint =
      typeof r.type === 'string' && r.data !== undefined
        ? ' (it looks like a delivery body alone; a signature covers the webhook-id and webhook-timestamp headers too, so paste the whole request or an exported record)'
        : '';
    return `${where} is not an exported inspector record: it has no headers and body${hint}`;
  }
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(r.headers as Record<string, unknown>)) {
    if (typeof v === 'string') addHeader(headers, name, v);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) addHeader(headers, name, v.join(', '));
    else return `${where}: header ${oneLine(name, 60)} is not text`;
  }
  const seq = typeof r.seq === 'number' && Number.isSafeInteger(r.seq) ? r.seq : undefined;
  const source = seq !== undefined ? `exported record #${seq}` : 'exported record';
  let body: Buffer;
  if (r.bodyEncoding === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(r.body.replace(/\s+/g, ''))) return `${where}: the body says base64 but is not`;
    body = Buffer.from(r.body, 'base64');
  } else if (r.bodyEncoding === undefined) body = Buffer.from(r.body, 'utf8');
  else return `${where}: unknown bodyEncoding ${oneLine(JSON.stringify(r.bodyEncoding), 40)}`;
  const bytes = typeof r.bodyBytes === 'number' && Number.isSafeInteger(r.bodyBytes) ? r.bodyBytes : undefined;
  // Only the record's own mark says the body was cut; a bodyBytes that disagrees (an edited record) is noted, and the body verified as it is.
  const truncated = r.bodyTruncated === true;
  const framed: FramedBody = truncated ? { body, notes: [] } : frameBody(headers, body);
  if (!truncated && framed.notes.length === 0 && bytes !== undefined && bytes !== framed.body.length)
    framed.notes.push(`the record says ${bytes} bytes were received but its body has ${framed.body.length}: verified the body as it is`);
  return {
    form: 'record',
    source,
    headers,
    rawBody: framed.body,
    ...(typeof r.method === 'string' && r.method !== '' ? { method: r.method } : {}),
    ...(typeof r.path === 'string' ? { path: r.path } : {}),
    ...(typeof r.receivedAt === 'string' ? { receivedAt: r.receivedAt } : {}),
    notes: framed.notes,
    ...(truncated
      ? {
          unverifiable: `the stored body was truncated (${body.length} of ${bytes ?? 'more'} bytes kept), so its signature cannot be checked: capture the request another way`,
        }
      : {}),
  };
}
