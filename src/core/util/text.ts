/** Shortens text for a log line or a reason, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Untrusted text for one line of output: control characters become blanks, then it is clipped. */
export function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return clip(text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' '), max);
}
