/**
 * The virtual list: only the rows in view (plus a few) exist in the DOM, so thousands of rows stay
 * fast. Rows are focusable (roving tabindex); ↑/↓, PageUp/PageDown, Home/End move, Enter opens.
 */
import { RowSummary } from './protocol';
import { VERDICT_MARK, clock, el } from './dom';
import { visibleWindow } from './rowStore';

export const ROW_HEIGHT = 24;

export class EventList {
  private rows: readonly RowSummary[] = [];
  private activeSeq: number | undefined;
  /** The row elements in the DOM now, in order, with the data each was built from. */
  private drawn = new Map<number, { data: RowSummary; node: HTMLElement }>();
  private readonly spacer: HTMLElement;
  private readonly layer: HTMLElement;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly onOpen: (seq: number) => void,
  ) {
    this.spacer = el('div', 'spacer');
    this.layer = el('div', 'rows');
    this.spacer.appendChild(this.layer);
    scroller.appendChild(this.spacer);
    scroller.addEventListener('scroll', () => this.render());
    scroller.addEventListener('keydown', (e) => this.onKey(e));
    scroller.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.row');
      if (row?.dataset.seq) this.open(Number(row.dataset.seq), true);
    });
    new ResizeObserver(() => this.render()).observe(scroller);
  }

  get selected(): number | undefined {
    return this.activeSeq;
  }

  setRows(rows: readonly RowSummary[]): void {
    this.rows = rows;
    this.scroller.dataset.count = String(rows.length);
    this.scroller.dataset.newestSeq = rows.length > 0 ? String(rows[0].seq) : '0';
    this.render();
  }

  /** Selects (and scrolls to) a row, and opens its detail. */
  open(seq: number, focus = false): void {
    this.activeSeq = seq;
    const index = this.rows.findIndex((r) => r.seq === seq);
    if (index >= 0) this.reveal(index);
    this.render();
    if (focus) this.focusActive();
    this.onOpen(seq);
  }

  render(): void {
    this.spacer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    const { start, end } = visibleWindow(this.rows.length, this.scroller.scrollTop, this.scroller.clientHeight || 600, ROW_HEIGHT);
    const hadFocus = this.scroller.contains(document.activeElement) && document.activeElement !== this.scroller;
    this.layer.style.transform = `translateY(${start * ROW_HEIGHT}px)`;
    const activeInList = this.activeSeq !== undefined && this.rows.some((r) => r.seq === this.activeSeq);
    // Rows already in the DOM for the same data are kept (a batch of new rows at the top only
    // inserts those rows and drops as many from the bottom): rebuilding every visible row per
    // batch was most of the page's work under a flood.
    const kept = new Map<number, { data: RowSummary; node: HTMLElement }>();
    for (let i = start; i < end; i++) {
      const data = this.rows[i];
      const tabbable = activeInList ? data.seq === this.activeSeq : i === start;
      const previous = this.drawn.get(data.seq);
      const node = previous && previous.data === data ? previous.node : this.row(data);
      this.mark(node, data, tabbable);
      kept.set(data.seq, { data, node });
    }
    this.drawn = kept;
    let child = this.layer.firstElementChild;
    for (const { node } of kept.values()) {
      if (child === node) child = child.nextElementSibling;
      else this.layer.insertBefore(node, child);
    }
    while (child) {
      const next = child.nextElementSibling;
      this.layer.removeChild(child);
      child = next;
    }
    if (hadFocus) this.focusActive();
  }

  /** Tab stop and selection state (cheap to set again; changes only when the selection moves). */
  private mark(row: HTMLElement, data: RowSummary, tabbable: boolean): void {
    const tabIndex = tabbable ? 0 : -1;
    if (row.tabIndex !== tabIndex) row.tabIndex = tabIndex;
    const selected = String(data.seq === this.activeSeq);
    if (row.getAttribute('aria-selected') !== selected) row.setAttribute('aria-selected', selected);
  }

  private row(data: RowSummary): HTMLElement {
    const row = el('div', `row verdict-${data.verdict}`);
    row.setAttribute('role', 'option');
    row.dataset.seq = String(data.seq);
    row.title = data.reason ? `${data.verdict}: ${data.reason}` : data.verdict;
    const source = el('span', 'cell source', data.sourceLabel ?? data.source ?? '');
    if (data.sourceTitle) source.title = data.sourceTitle;
    row.append(
      el('span', 'cell seq', `#${data.seq}`),
      el('span', 'cell time', clock(data.receivedAt)),
      verdictCell(data.verdict),
      el('span', 'cell type', data.eventType ?? (data.verdict === 'rejected' ? '(rejected)' : '(no event type)')),
      source,
    );
    return row;
  }

  private onKey(e: KeyboardEvent): void {
    if (this.rows.length === 0) return;
    const current = Math.max(
      0,
      this.rows.findIndex((r) => r.seq === this.activeSeq),
    );
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    let next: number | undefined;
    if (e.key === 'ArrowDown') next = Math.min(this.rows.length - 1, current + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, current - 1);
    else if (e.key === 'PageDown') next = Math.min(this.rows.length - 1, current + page);
    else if (e.key === 'PageUp') next = Math.max(0, current - page);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = this.rows.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.open(this.rows[current].seq, true);
      return;
    }
    if (next === undefined) return;
    e.preventDefault();
    this.activeSeq = this.rows[next].seq;
    this.reveal(next);
    this.render();
    this.focusActive();
  }

  private reveal(index: number): void {
    const top = index * ROW_HEIGHT;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > this.scroller.scrollTop + this.scroller.clientHeight) this.scroller.scrollTop = top + ROW_HEIGHT - this.scroller.clientHeight;
  }

  private focusActive(): void {
    const row = this.layer.querySelector<HTMLElement>('.row[tabindex="0"]');
    row?.focus({ preventScroll: true });
  }
}

/** "✓ verified": the mark in the verdict's colour (a symbol, aria-hidden), the word in the text colour. */
function verdictCell(verdict: string): HTMLElement {
  const cell = el('span', 'cell verdict');
  const mark = el('span', 'mark', VERDICT_MARK[verdict] ?? '');
  mark.setAttribute('aria-hidden', 'true');
  cell.append(mark, document.createTextNode(` ${verdict}`));
  return cell;
}
