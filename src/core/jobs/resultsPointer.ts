/**
 * What to do with a job's output pointer when this editor cannot fetch it: the command a person runs.
 * A `gs://` URI is read with gcloud; a Files API name or a URL on the API's host with curl and the key
 * from the environment (`$GEMINI_API_KEY`: the key itself is never written into the command); a URL on
 * any other host with curl alone (the key goes only to the API's own host).
 */
import { shellQuote } from '../util/shellQuote';

export interface ResultsAdvice {
  /** The pointer as given. */
  readonly pointer: string;
  /** What it is, in a few words. */
  readonly what: string;
  /** A shell command that saves it to a local file. */
  readonly command: string;
}

const DEFAULT_API = 'https://generativelanguage.googleapis.com';

/**
 * How to fetch `pointer` by hand; `apiBase` (scheme://host of the API in use) and `apiVersion` complete a Files API name.
 * `extension` names the saved file when the pointer has none: `.jsonl` for results, `.mp4` for a video.
 */
export function resultsAdvice(pointer: string, apiBase: string = DEFAULT_API, apiVersion = 'v1beta', extension = '.jsonl'): ResultsAdvice {
  const file = localName(pointer, extension);
  if (pointer.startsWith('gs://')) return { pointer, what: 'a Cloud Storage object', command: `gcloud storage cp ${shellQuote(pointer)} ${shellQuote(file)}` };
  if (/^files\/[^/?#\s]+$/.test(pointer)) {
    const url = `${apiBase.replace(/\/+$/, '')}/download/${apiVersion}/${pointer}:download?alt=media`;
    return { pointer, what: 'a file of the Gemini Files API', command: curl(url, file) };
  }
  if (/^https?:\/\//i.test(pointer)) return { pointer, what: 'a download URL', command: curl(pointer, file, sameOrigin(pointer, apiBase)) };
  return { pointer, what: 'a pointer this extension does not know how to fetch', command: `# ${pointer.replace(/[\r\n]/g, ' ')}` };
}

function curl(url: string, file: string, withKey = true): string {
  return `curl -fsSL ${withKey ? '-H "x-goog-api-key: $GEMINI_API_KEY" ' : ''}-o ${shellQuote(file)} ${shellQuote(url)}`;
}

function sameOrigin(url: string, apiBase: string): boolean {
  try {
    return new URL(url).origin === new URL(apiBase).origin;
  } catch {
    return false;
  }
}

/** A local file name for the download: the pointer's last segment, its extension kept or `extension` added. */
function localName(pointer: string, extension: string): string {
  const last = (pointer.split(/[?#]/)[0].split('/').pop() ?? '').replace(/:download$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'results';
  return /\.[A-Za-z0-9]+$/.test(last) ? last : `${last}${extension}`;
}
