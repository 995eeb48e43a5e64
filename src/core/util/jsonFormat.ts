/**
 * Pretty-printing that never changes a token: a formatter over the JSON text, not
 * `JSON.stringify(JSON.parse(text))`. Strings (escapes included), numbers and literals are copied
 * exactly as received — `12345678901234567890` stays that, `1e400` is not turned into `null`,
 * duplicate keys all stay, `"\u00e9"` is not decoded — and only the whitespace between tokens is
 * replaced by newlines and indentation. Text that is not one valid JSON value is returned as is.
 *
 * One pass, no recursion (an explicit stack), so 100,000-deep nesting costs nothing but memory;
 * indentation stops growing at MAX_INDENT_DEPTH so that deep nesting cannot blow the output up
 * quadratically (only whitespace differs; every token is still there, in order).
 */

/** Levels beyond this are indented no further. */
export const MAX_INDENT_DEPTH = 32;

/** One lexical token of a JSON text, as offsets into it. */
interface Token {
  readonly kind: 'open' | 'close' | 'colon' | 'comma' | 'string' | 'scalar';
  readonly start: number;
  readonly end: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'] as const;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** The end (exclusive) of the string token starting at `start` (a `"`), or -1 when it is not a valid JSON string. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return -1;
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return -1;
        i += 5;
      } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 1;
      else return -1;
    }
  }
  return -1;
}

/** The next token at or after `from` (whitespace skipped), undefined at the end of the text, null when the text is not JSON there. */
function nextToken(text: string, from: number): Token | undefined | null {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (i >= text.length) return undefined;
  const c = text[i];
  if (c === '{' || c === '[') return { kind: 'open', start: i, end: i + 1 };
  if (c === '}' || c === ']') return { kind: 'close', start: i, end: i + 1 };
  if (c === ':') return { kind: 'colon', start: i, end: i + 1 };
  if (c === ',') return { kind: 'comma', start: i, end: i + 1 };
  if (c === '"') {
    const end = stringEnd(text, i);
    return end < 0 ? null : { kind: 'string', start: i, end };
  }
  NUMBER.lastIndex = i;
  const number = NUMBER.exec(text);
  if (number) return { kind: 'scalar', start: i, end: i + number[0].length };
  for (const literal of LITERALS) if (text.startsWith(literal, i)) return { kind: 'scalar', start: i, end: i + literal.length };
  return null;
}

/** What may come next. */
type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'done';

interface Visitor {
  /** A token that passed the grammar; `depth` is the nesting depth it sits at (before an open, after a close). */
  token(token: Token, depth: number, expected: Expect): void;
}

/** Walks the text's tokens through the JSON grammar; true when it is exactly one valid JSON value. */
function walk(text: string, visitor: Visitor): boolean {
  const stack: string[] = [];
  let expect: Expect = 'value';
  let at = 0;
  for (;;) {
    const token = nextToken(text, at);
    if (token === null) return false;
    if (token === undefined) return expect === 'done';
    at = token.end;
    const afterValue = (): Expect => (stack.length === 0 ? 'done' : 'commaOrClose');
    const was = expect;
    switch (expect) {
      case 'done':
        return false;
      case 'value':
      case 'valueOrClose':
        if (token.kind === 'close' && expect === 'valueOrClose' && text[token.start] === ']') {
          stack.pop();
          expect = afterValue();
        } else if (token.kind === 'open') {
          stack.push(text[token.start] === '{' ? '}' : ']');
          expect = text[token.start] === '{' ? 'keyOrClose' : 'valueOrClose';
        } else if (token.kind === 'string' || token.kind === 'scalar') expect = afterValue();
        else return false;
        break;
      case 'key':
      case 'keyOrClose':
        if (token.kind === 'close' && expect === 'keyOrClose' && text[token.start] === '}') {
          stack.pop();
          expect = afterValue();
        } else if (token.kind === 'string') expect = 'colon';
        else return false;
        break;
      case 'colon':
        if (token.kind !== 'colon') return false;
        expect = 'value';
        break;
      case 'commaOrClose':
        if (token.kind === 'comma') expect = stack[stack.length - 1] === '}' ? 'key' : 'value';
        else if (token.kind === 'close' && text[token.start] === stack[stack.length - 1]) {
          stack.pop();
          expect = afterValue();
        } else return false;
        break;
    }
    visitor.token(token, stack.length, was);
  }
}

/**
 * The text with newlines and `indent` between its tokens, every token kept exactly; the text itself
 * when it is not one valid JSON value (nothing is ever lost to a parse error).
 */
export function formatJson(text: string, indent = '  '): string {
  const out: string[] = [];
  const line = (depth: number) => '\n' + indent.repeat(Math.min(depth, MAX_INDENT_DEPTH));
  /** An open bracket whose first member (or immediate close) has not come yet. */
  let opened = false;
  const valid = walk(text, {
    token(token, depth) {
      const raw = text.slice(token.start, token.end);
      if (token.kind === 'close') {
        // `{}` and `[]` stay on one line.
        out.push(opened ? raw : line(depth) + raw);
        opened = false;
        return;
      }
      if (opened) out.push(line(token.kind === 'open' ? depth - 1 : depth));
      opened = false;
      if (token.kind === 'open') {
        out.push(raw);
        opened = true;
      } else if (token.kind === 'comma') out.push(',', line(depth));
      else if (token.kind === 'colon') out.push(': ');
      else out.push(raw);
    },
  });
  return valid ? out.join('') : text;
}

/** Whether the text is exactly one valid JSON value (by the same grammar the formatter walks). */
export function isJsonText(text: string): boolean {
  return walk(text, { token() {} });
}

/**
 * The raw text of a top-level member's value (`"user_metadata": {...}` → `{...}`), exactly as it
 * appears in the body; the last one when the key repeats (as `JSON.parse` reads it). Undefined when
 * the text is not a JSON object or has no such member.
 */
export function rawMember(text: string, name: string): string | undefined {
  let found: string | undefined;
  let keyMatches = false;
  let valueStart = -1;
  let first = true;
  let objectAtTop = false;
  const valid = walk(text, {
    token(token, depth, expected) {
      if (first) {
        first = false;
        objectAtTop = token.kind === 'open' && text[token.start] === '{';
        return;
      }
      if (!objectAtTop) return;
      // Keys of the top-level object sit at depth 1.
      if (token.kind === 'string' && depth === 1 && (expected === 'key' || expected === 'keyOrClose')) {
        keyMatches = keyName(text.slice(token.start, token.end)) === name;
        return;
      }
      if (!keyMatches) return;
      if (expected === 'value' && valueStart < 0) {
        if (token.kind === 'open') valueStart = token.start;
        else {
          found = text.slice(token.start, token.end);
          keyMatches = false;
        }
        return;
      }
      if (valueStart >= 0 && token.kind === 'close' && depth === 1) {
        found = text.slice(valueStart, token.end);
        valueStart = -1;
        keyMatches = false;
      }
    },
  });
  return valid && objectAtTop ? found : undefined;
}

/** A key token's name (its escapes decoded). */
function keyName(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw;
  }
}
