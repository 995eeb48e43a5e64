/**
 * Splits a POSIX shell command line into words, the way sh/bash would before running it, for
 * commands people copy (curl lines): 'single', "double" (with \ before $ ` " \ and newline) and
 * $'ANSI-C' quoting, backslash escapes, backslash-newline continuations, # comments, and the
 * operators | ; && || & and redirections. Words are bytes ($'\xff' is one byte). Expansions
 * ($VAR, $(…), `…`) cannot be evaluated here: they are refused with a reason, never guessed.
 * Unquoted newlines separate words like blanks do (a pasted multi-line command without its
 * backslashes still reads as one command).
 */

export type ShellToken = { readonly kind: 'word'; readonly value: Buffer } | { readonly kind: 'op'; readonly value: string };

export class ShellSyntaxError extends Error {}

const ANSI_C: Record<string, number> = { a: 7, b: 8, e: 27, E: 27, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63 };

export function shellWords(text: string): ShellToken[] {
  const tokens: ShellToken[] = [];
  let word: Buffer[] | undefined;
  const push = (s: string | Buffer) => (word ??= []).push(typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
  const end = () => {
    if (word) tokens.push({ kind: 'word', value: Buffer.concat(word) });
    word = undefined;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      end();
      i++;
      continue;
    }
    if (c === '#' && !word) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n') i += 2;
      else if (next === '\r' && text[i + 2] === '\n') i += 3;
      else if (next === undefined) i++;
      else {
        push(next);
        i += 2;
      }
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close === -1) throw new ShellSyntaxError("unterminated ' quote");
      push(text.slice(i + 1, close));
      if (!word) word = [];
      i = close + 1;
      continue;
    }
    if (c === '$' && text[i + 1] === "'") {
      i = ansiC(text, i + 2, push);
      if (!word) word = [];
      continue;
    }
    if (c === '"' || (c === '$' && text[i + 1] === '"')) {
      i = doubleQuoted(text, c === '$' ? i + 2 : i + 1, push);
      if (!word) word = [];
      continue;
    }
    if (c === '$' || c === '`') {
      if (c === '`' || /[A-Za-z_{(0-9@*#?!$-]/.test(text[i + 1] ?? '')) throw new ShellSyntaxError(expansionMessage(text, i));
      push(c);
      i++;
      continue;
    }
    if (c === '|' || c === '&' || c === ';') {
      end();
      const two = text.slice(i, i + 2);
      const op = two === '||' || two === '&&' ? two : c;
      tokens.push({ kind: 'op', value: op });
      i += op.length;
      continue;
    }
    if (c === '>' || c === '<') {
      // A redirection: a file descriptor number just before it belongs to it (2>&1, 2>/dev/null).
      if (word && word.length === 1 && /^\d$/.test(word[0].toString())) word = undefined;
      end();
      let j = i + 1;
      if (text[j] === c || text[j] === '&') j++;
      tokens.push({ kind: 'op', value: text.slice(i, j) });
      i = j;
      continue;
    }
    push(c);
    i++;
  }
  end();
  return tokens;
}

function doubleQuoted(text: string, start: number, push: (s: string) => void): number {
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return i + 1;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n') i += 2;
      else if (next !== undefined && '$`"\\'.includes(next)) {
        push(next);
        i += 2;
      } else {
        push('\\');
        i++;
      }
      continue;
    }
    if (c === '`' || (c === '$' && /[A-Za-z_{(0-9@*#?!$-]/.test(text[i + 1] ?? ''))) throw new ShellSyntaxError(expansionMessage(text, i));
    push(c);
    i++;
  }
  throw new ShellSyntaxError('unterminated " quote');
}

function ansiC(text: string, start: number, push: (s: string | Buffer) => void): number {
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === "'") return i + 1;
    if (c !== '\\') {
      push(c);
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) break;
    if (e in ANSI_C) {
      push(Buffer.from([ANSI_C[e]]));
      i += 2;
    } else if (e === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2));
      if (!m) {
        push('\\x');
        i += 2;
        continue;
      }
      push(Buffer.from([parseInt(m[0], 16)]));
      i += 2 + m[0].length;
    } else if (e === 'u' || e === 'U') {
      const m = (e === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(text.slice(i + 2));
      const code = m ? parseInt(m[0], 16) : NaN;
      if (!m || code > 0x10ffff) {
        push(`\\${e}`);
        i += 2;
        continue;
      }
      push(String.fromCodePoint(code));
      i += 2 + m[0].length;
    } else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(text.slice(i + 1)) as RegExpExecArray;
      push(Buffer.from([parseInt(m[0], 8) & 0xff]));
      i += 1 + m[0].length;
    } else if (e === 'c' && text[i + 2] !== undefined) {
      push(Buffer.from([text.charCodeAt(i + 2) & 0x1f]));
      i += 3;
    } else {
      push(`\\${e}`);
      i += 2;
    }
  }
  throw new ShellSyntaxError("unterminated $' quote");
}

function expansionMessage(text: string, at: number): string {
  const rest = text.slice(at, at + 40);
  const m = /^(?:\$(?:\{[^}\n]*\}?|\([^)\n]*\)?|[A-Za-z_][A-Za-z0-9_]*|.)|`[^`\n]*`?)/.exec(rest);
  const snippet = (m ? m[0] : rest.split('\n')[0]).slice(0, 32);
  return `the command uses a shell expansion (${snippet}) that cannot be evaluated here: paste it with the values filled in`;
}
