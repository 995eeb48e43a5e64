// The runtime strings of the VS Code shell: every `l10n.t('…')` in src/extension/**/*.ts, and the
// English bundle l10n/bundle.l10n.json that maps each of them to itself (translators copy it to
// bundle.l10n.<locale>.json). No dependency: a small scanner that skips comments, strings, template
// literals and regular expressions, so only real calls count.
//   node scripts/l10n.mjs --write   rewrites the bundle from the sources (sorted)
//   node scripts/l10n.mjs --check   exits 1 naming every key missing from the bundle, every bundle key
//                                   no longer used, and every l10n.t( whose first argument is not a
//                                   string literal (quotes, or backticks without ${})
// --root <dir> scans another tree (the unit test uses a fixture).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? path.resolve(args[rootAt + 1] ?? '.') : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mode = args.includes('--write') ? 'write' : args.includes('--check') ? 'check' : undefined;
if (!mode) {
  console.error('usage: node scripts/l10n.mjs --write | --check [--root <dir>]');
  process.exit(2);
}

const SOURCES = path.join(root, 'src', 'extension');
const BUNDLE = path.join(root, 'l10n', 'bundle.l10n.json');

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(full);
  }
  return out.sort();
}

const ID_START = /[A-Za-z_$]/;
const ID_PART = /[A-Za-z0-9_$]/;
/** After these a `/` starts a regular expression, not a division. */
const REGEX_AFTER_PUNCT = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await', 'instanceof']);

/** The cooked value of a string literal's body (between the quotes). */
function unescape(body) {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case '0':
        out += '\0';
        break;
      case 'x':
        out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      case 'u':
        if (body[i + 1] === '{') {
          const end = body.indexOf('}', i);
          out += String.fromCodePoint(parseInt(body.slice(i + 2, end), 16));
          i = end;
        } else {
          out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
          i += 4;
        }
        break;
      case '\r':
        if (body[i + 1] === '\n') i++;
        break; // line continuation
      case '\n':
      case '\u2028':
      case '\u2029':
        break;
      default:
        out += e;
    }
  }
  return out;
}

/** Finds the l10n.t( calls of one file: their keys, and the calls whose first argument is not a literal. */
function scan(text) {
  const keys = [];
  const problems = [];
  const lineOf = (at) => text.slice(0, at).split('\n').length;
  let i = 0;
  let prev = ''; // the last significant token: a punctuator, or a word
  let depth = 0; // template `${` nesting: a `}` at this depth resumes the template

  const skipSpace = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (text.startsWith('//', i)) {
        const end = text.indexOf('\n', i);
        i = end < 0 ? text.length : end;
      } else if (text.startsWith('/*', i)) {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? text.length : end + 2;
      } else return;
    }
  };
  /** Reads a quoted literal at i; returns its raw body. */
  const readQuoted = () => {
    const quote = text[i++];
    const start = i;
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') i++;
      else if (text[i] === '\n') break; // unterminated: stop at the line's end
      i++;
    }
    const body = text.slice(start, i);
    i++;
    return body;
  };
  /** Reads a template literal at i (nested substitutions included); returns its body and whether it has ${}. */
  const readTemplate = () => {
    i++;
    const start = i;
    let substitutions = false;
    while (i < text.length && text[i] !== '`') {
      if (text[i] === '\\') i += 2;
      else if (text.startsWith('${', i)) {
        substitutions = true;
        i += 2;
        const outer = depth;
        depth = 0;
        readCode(true);
        depth = outer;
      } else i++;
    }
    const body = text.slice(start, i);
    i++;
    return { body, substitutions };
  };
  const readRegex = () => {
    i++;
    let inClass = false;
    while (i < text.length && text[i] !== '\n') {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
      i++;
    }
    i++;
    while (i < text.length && ID_PART.test(text[i])) i++;
  };
  /** The first argument of a call whose `(` was just read. */
  const readFirstArgument = (callAt) => {
    skipSpace();
    const c = text[i];
    let key;
    if (c === "'" || c === '"') key = unescape(readQuoted());
    else if (c === '`') {
      const { body, substitutions } = readTemplate();
      if (!substitutions) key = unescape(body.replace(/\r\n?/g, '\n'));
    }
    if (key !== undefined) {
      skipSpace();
      if (text[i] === ',' || text[i] === ')') {
        keys.push({ key, line: lineOf(callAt) });
        prev = 'literal';
        return;
      }
    }
    problems.push({ line: lineOf(callAt), text: text.slice(callAt, text.indexOf('\n', callAt) < 0 ? undefined : text.indexOf('\n', callAt)).trim() });
    prev = 'literal';
  };
  /** Reads code until the end (or, inside a template substitution, until its closing brace). */
  function readCode(inSubstitution) {
    while (i < text.length) {
      skipSpace();
      if (i >= text.length) return;
      const c = text[i];
      if (c === "'" || c === '"') {
        readQuoted();
        prev = 'literal';
      } else if (c === '`') {
        readTemplate();
        prev = 'literal';
      } else if (c === '/') {
        const regex = prev === '' || REGEX_AFTER_PUNCT.has(prev) || REGEX_AFTER_WORD.has(prev);
        if (regex) readRegex();
        else i++;
        prev = regex ? 'literal' : '/';
      } else if (ID_START.test(c) || (c >= '0' && c <= '9')) {
        const start = i;
        while (i < text.length && ID_PART.test(text[i])) i++;
        const word = text.slice(start, i);
        prev = word;
        if (word === 'l10n' && text[start - 1] !== '#') {
          const save = i;
          skipSpace();
          if (text[i] === '.') {
            i++;
            skipSpace();
            if (text[i] === 't' && !ID_PART.test(text[i + 1] ?? '')) {
              i++;
              skipSpace();
              if (text[i] === '(') {
                i++;
                readFirstArgument(start);
                continue;
              }
            }
          }
          i = save;
        }
      } else if (c === '{') {
        depth++;
        i++;
        prev = c;
      } else if (c === '}') {
        if (inSubstitution && depth === 0) {
          i++;
          return;
        }
        depth--;
        i++;
        prev = c;
      } else {
        i++;
        prev = c === ')' || c === ']' ? 'value' : c;
      }
    }
  }
  readCode(false);
  return { keys, problems };
}

function main() {
  const used = new Map(); // key → first place it is used
  const problems = [];
  for (const file of sourceFiles(SOURCES)) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    const found = scan(fs.readFileSync(file, 'utf8'));
    for (const { key, line } of found.keys) if (!used.has(key)) used.set(key, `${rel}:${line}`);
    for (const p of found.problems) problems.push(`${rel}:${p.line}: the first argument of l10n.t( is not a string literal: ${p.text}`);
  }
  const sorted = [...used.keys()].sort();
  const expected = `${JSON.stringify(Object.fromEntries(sorted.map((k) => [k, k])), null, 2)}\n`;

  if (mode === 'write') {
    fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
    fs.writeFileSync(BUNDLE, expected);
    console.log(`l10n: wrote ${sorted.length} strings to ${path.relative(root, BUNDLE)}`);
  } else {
    let bundle = {};
    let text = '';
    try {
      text = fs.readFileSync(BUNDLE, 'utf8');
      bundle = JSON.parse(text);
    } catch (error) {
      problems.push(`${path.relative(root, BUNDLE)}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
    }
    for (const key of sorted) if (!Object.hasOwn(bundle, key)) problems.push(`missing from the bundle: ${JSON.stringify(key)} (${used.get(key)})`);
    for (const key of Object.keys(bundle)) {
      if (!used.has(key)) problems.push(`in the bundle but no longer used: ${JSON.stringify(key)}`);
      else if (bundle[key] !== key) problems.push(`the bundle maps ${JSON.stringify(key)} to another text: ${JSON.stringify(bundle[key])}`);
    }
    if (problems.length === 0 && text !== expected) problems.push(`${path.relative(root, BUNDLE)} is not sorted or not formatted as --write writes it`);
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`l10n: ${p}`);
    console.error(`l10n: ${problems.length} problem${problems.length === 1 ? '' : 's'}${mode === 'check' ? '; run `npm run l10n` to rewrite the bundle' : ''}`);
    process.exit(1);
  }
  if (mode === 'check') console.log(`l10n: ${sorted.length} strings, bundle up to date`);
}

main();
