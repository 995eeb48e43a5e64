/**
 * A batch's requests, from what a person gives: a JSON Lines file in the Gemini batch input format —
 * one request per line, `{"key": "request-1", "request": {"contents": [...]}}` (a bare
 * `{"contents": [...]}` is taken as the request) — or prompts typed in. A line that cannot be read
 * fails the whole input with its line number: nothing is sent.
 */
import { MAX_JSON_DEPTH, nestsTooDeep } from '../util/jsonDepth';
import { oneLine } from '../util/text';
import type { InlinedRequest } from '../api/jobTypes';

/** Inline requests travel in the create call's body: past this, upload the file with the Files API instead. */
export const MAX_INLINE_BATCH_BYTES = 20 * 1024 * 1024;
/** The separator between prompts typed into one box. */
export const PROMPT_SEPARATOR = '|';

export class BatchInputError extends Error {
  override readonly name = 'BatchInputError';
  constructor(
    message: string,
    /** 1-based line of the file, when one line is at fault. */
    readonly line?: number,
  ) {
    super(message);
  }
}

const LINE_FORM = 'each line is {"key": "…", "request": {"contents": [{"parts": [{"text": "…"}]}]}}';

/** The requests of a JSONL batch input file; throws BatchInputError naming the first bad line. */
export function parseBatchJsonl(text: string): InlinedRequest[] {
  if (Buffer.byteLength(text) > MAX_INLINE_BATCH_BYTES)
    throw new BatchInputError(
      `The file is larger than ${MAX_INLINE_BATCH_BYTES / 1024 / 1024} MiB, the limit for inline batch requests: upload it with the Files API and start the batch from its file name.`,
    );
  const requests: InlinedRequest[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (nestsTooDeep(raw)) throw new BatchInputError(`Line ${line}: the JSON nests more than ${MAX_JSON_DEPTH} levels deep.`, line);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new BatchInputError(`Line ${line}: not JSON (${oneLine(error instanceof Error ? error.message : String(error), 120)}); ${LINE_FORM}.`, line);
    }
    requests.push(readLine(value, line));
  });
  if (requests.length === 0) throw new BatchInputError(`The file holds no requests: ${LINE_FORM}.`);
  return requests;
}

function readLine(value: unknown, line: number): InlinedRequest {
  if (!isObject(value)) throw new BatchInputError(`Line ${line}: expected a JSON object; ${LINE_FORM}.`, line);
  const request = value.request ?? (Array.isArray(value.contents) ? value : undefined);
  if (!isObject(request)) throw new BatchInputError(`Line ${line}: no "request" object; ${LINE_FORM}.`, line);
  if (!Array.isArray(request.contents) || request.contents.length === 0)
    throw new BatchInputError(`Line ${line}: the request has no "contents" list; ${LINE_FORM}.`, line);
  const key = value.key;
  if (key !== undefined && typeof key !== 'string') throw new BatchInputError(`Line ${line}: "key" must be a string.`, line);
  const body = request === value ? { contents: value.contents } : request;
  return { request: body as InlinedRequest['request'], ...(key !== undefined ? { metadata: { key } } : {}) };
}

/** Prompts typed into one box, separated by `|`, as text requests keyed `request-1`, `request-2`…; throws when there are none. */
export function promptRequests(text: string): InlinedRequest[] {
  const prompts = text
    .split(PROMPT_SEPARATOR)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (prompts.length === 0) throw new BatchInputError(`Type at least one prompt (several: separated by ${PROMPT_SEPARATOR}).`);
  return prompts.map((p, i) => ({ request: { contents: [{ role: 'user', parts: [{ text: p }] }] }, metadata: { key: `request-${i + 1}` } }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
