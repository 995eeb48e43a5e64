/**
 * A captured delivery: the request as someone saw it (a server log, a tunnel inspector, `curl -v`,
 * an exported inspector record, a "Copy as curl" command), read back into the bytes a verifier needs.
 */

/** The forms a capture is recognised in. */
export type CaptureForm = 'http' | 'curl-verbose' | 'record' | 'curl';

/** Captures larger than this are refused (a delivery body is at most 1 MiB; exports of a whole history fit). */
export const MAX_CAPTURE_BYTES = 10 * 1024 * 1024;

export interface CapturedRequest {
  readonly form: CaptureForm;
  /** What it was read from, as a person names it: "raw HTTP request", "curl -v output", "exported record #12", "curl command". */
  readonly source: string;
  /** Lower-cased names; a header given twice is joined with ", " (as node:http does). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as captured (see `notes` for what, if anything, was dropped). */
  readonly rawBody: Buffer;
  readonly method?: string;
  /** Path and query, when the capture names them. */
  readonly path?: string;
  /** ISO time the request was received, when the capture says (exported records). */
  readonly receivedAt?: string;
  /** What a person should know about how the capture was read, e.g. a content-length that disagrees with the body. */
  readonly notes: readonly string[];
  /** Set when the capture cannot be verified at all (an exported body that was truncated): why. */
  readonly unverifiable?: string;
}

/** Every capture found in the input (a JSON Lines export may hold many), or why none could be read. */
export type CaptureParseResult = { readonly ok: true; readonly captures: readonly CapturedRequest[] } | { readonly ok: false; readonly reason: string };

/** How a header section was read: the parts every text form shares. */
export interface RequestParts {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly method?: string;
  readonly path?: string;
}

/** Adds a header the way node:http flattens repeats: later values joined with ", ". */
export function addHeader(headers: Record<string, string>, name: string, value: string): void {
  const key = name.toLowerCase();
  headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
}
