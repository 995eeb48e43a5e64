/**
 * Minimal edits of a `.env` file: set one variable and change nothing else. Every assignment of the
 * variable (`NAME=…`, `export NAME=…`, spaces around `=`, quoted or not) gets the new value — loaders
 * disagree on which of two wins, so both say the same — keeping its `export`, its spacing and a
 * trailing `# comment`; comments, blank lines, other variables, line ends (CRLF or LF) and a missing
 * final newline stay as they are. A file without the variable gets one line at the end.
 * Values are written unquoted (whsec_ secrets joined by commas need no quoting in dotenv,
 * python-dotenv, docker --env-file or a shell).
 */
import { appendLines } from '../util/lineEdit';

/** The variable the handler scaffolds read their signing secrets from. */
export const SECRET_VARIABLE = 'GEMINI_WEBHOOK_SECRET';

export interface EnvEdit {
  readonly text: string;
  /** Assignment lines rewritten. */
  readonly updated: number;
  /** True when the variable was not there and a line was added. */
  readonly added: boolean;
}

interface Assignment {
  /** Everything up to and including `=` (indent, `export `, the name, spacing). */
  readonly head: string;
  readonly value: string;
  /** Whitespace and a `# comment` after the value, kept as they are. */
  readonly tail: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function assignment(line: string, name: string): Assignment | undefined {
  const match = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.]*)(\s*=\s*)(.*)$/.exec(line);
  if (!match || match[2] !== name) return undefined;
  const head = match[1] + match[2] + match[3];
  const rest = match[4];
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    let end = 1;
    while (end < rest.length && (rest[end] !== quote || (quote === '"' && rest[end - 1] === '\\'))) end++;
    if (end < rest.length) return { head, value: rest.slice(1, end).replace(/\\"/g, '"'), tail: rest.slice(end + 1) };
  }
  const comment = /\s+#.*$/.exec(rest);
  const value = comment ? rest.slice(0, comment.index) : rest;
  return { head, value: value.trimEnd(), tail: comment ? comment[0] : rest.slice(value.trimEnd().length) };
}

/** Splits on line ends, keeping each line's own end: [text, eol] pairs. */
function lines(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const re = /\r?\n/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push([text.slice(at, m.index), m[0]]);
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push([text.slice(at), '']);
  return out;
}

/** The variable's value as loaders read it (the last assignment), or undefined. */
export function readEnvVariable(text: string, name: string): string | undefined {
  let value: string | undefined;
  for (const [line] of lines(text)) {
    const a = assignment(line, name);
    if (a) value = a.value;
  }
  return value;
}

/** Sets `name` to `value` in the text of a .env file (empty for a new one). */
export function setEnvVariable(text: string, name: string, value: string): EnvEdit {
  if (!NAME.test(name)) throw new RangeError(`not a variable name: ${name}`);
  if (/[\r\n]/.test(value)) throw new RangeError('a .env value written here is one line');
  let updated = 0;
  const out = lines(text).map(([line, eol]) => {
    const a = assignment(line, name);
    if (!a) return line + eol;
    updated++;
    return `${a.head}${value}${a.tail}${eol}`;
  });
  if (updated > 0) return { text: out.join(''), updated, added: false };
  return { text: appendLines(text, [`${name}=${value}`]), updated: 0, added: true };
}

/** The secrets in a value: whsec_… entries separated by spaces or commas (as the scaffolds read them). */
export function parseSecretList(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((v) => v !== '');
}

/**
 * The new list for GEMINI_WEBHOOK_SECRET: this webhook's live secrets first (newest first), then the
 * entries already there that `keep` accepts (e.g. other webhooks' live secrets); everything else —
 * a revoked or expired secret — is dropped and counted.
 */
export function mergeSecrets(
  current: readonly string[],
  webhookSecrets: readonly string[],
  keep: (secret: string) => boolean,
): { secrets: string[]; dropped: number } {
  const secrets = [...new Set(webhookSecrets)];
  let dropped = 0;
  for (const s of current) {
    if (secrets.includes(s)) continue;
    if (keep(s)) secrets.push(s);
    else dropped++;
  }
  return { secrets, dropped };
}
