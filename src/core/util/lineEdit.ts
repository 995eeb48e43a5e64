/**
 * Small edits of line-oriented files (.env, .gitignore, requirements.txt) that change nothing else:
 * the file's own line ends (CRLF or LF) and its final newline, or the lack of one, are kept.
 */

/** The file's line end: CRLF when its first line ends so, else LF. */
export function eolOf(text: string): '\r\n' | '\n' {
  const first = text.indexOf('\n');
  return first > 0 && text[first - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * `text` with `lines` added at the end, in the file's line ends. An empty file gets them with a final
 * newline; otherwise the final newline stays as it was (a file without one gets a line end before the
 * new lines, none after).
 */
export function appendLines(text: string, lines: readonly string[]): string {
  if (lines.length === 0) return text;
  const eol = eolOf(text);
  if (text === '') return lines.join(eol) + eol;
  const endsWithNewline = text.endsWith('\n');
  return endsWithNewline ? text + lines.join(eol) + eol : text + eol + lines.join(eol);
}
