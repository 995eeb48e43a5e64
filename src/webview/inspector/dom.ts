/** Tiny DOM helpers: every piece of data goes in as text (textContent), never as HTML. */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`inspector: #${id} is missing`);
  return node as T;
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Same fields as toLocaleTimeString(undefined, { hour12: false }), built once: a formatter per call cost most of a render. */
let timeFormat: Intl.DateTimeFormat | undefined;
/** Times already formatted, by their ISO second (rows share seconds under load); bounded. */
const clocks = new Map<string, string>();

/** "14:03:07" in local time (the full ISO time is the title). */
export function clock(iso: string): string {
  const second = iso.slice(0, 19);
  const known = clocks.get(second);
  if (known !== undefined && iso.endsWith('Z')) return known;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  timeFormat ??= new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric', hour12: false });
  const text = timeFormat.format(date);
  if (iso.endsWith('Z')) {
    if (clocks.size >= 256) clocks.clear();
    clocks.set(second, text);
  }
  return text;
}

export const VERDICT_MARK: Record<string, string> = { verified: '✓', duplicate: '⧉', rejected: '✕' };
