/**
 * The one test of "an absolute http(s) URL" every front end applies: the CLI's URL flags
 * (`--forward-to`, `--jwks-uri`), the Create/Edit Webhook prompt and the emulator's `uri` fields.
 * Parsed with `new URL` (WHATWG, as undici and Node will read it), never matched by a pattern, and
 * a host is required. Answers what is wrong as a code, so each front end words it (and the editor
 * localises it).
 */

export type HttpUrlProblem = 'empty' | 'not_absolute' | 'not_http' | 'no_host' | 'credentials';

export type HttpUrlCheck = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly problem: HttpUrlProblem };

export interface HttpUrlOptions {
  /** `https://user:pass@host/`: allowed for a key set or an app behind basic auth; never in a webhook uri. Default false. */
  readonly allowCredentials?: boolean;
}

export function checkHttpUrl(text: string, options: HttpUrlOptions = {}): HttpUrlCheck {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'empty' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, problem: 'not_absolute' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, problem: 'not_http' };
  if (url.hostname === '') return { ok: false, problem: 'no_host' };
  if (!options.allowCredentials && (url.username !== '' || url.password !== '')) return { ok: false, problem: 'credentials' };
  return { ok: true, url };
}

/** The problem in English (the CLI and the emulator; the editor has its own localised words). */
export function describeHttpUrlProblem(problem: HttpUrlProblem): string {
  switch (problem) {
    case 'empty':
      return 'it is empty';
    case 'not_absolute':
      return 'it is not an absolute URL (e.g. https://example.com/webhooks)';
    case 'not_http':
      return 'the scheme must be http or https';
    case 'no_host':
      return 'it names no host';
    case 'credentials':
      return 'credentials in the URL are not allowed';
  }
}
