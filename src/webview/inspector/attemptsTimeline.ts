/**
 * The detail pane's Attempts section: every attempt the emulator made to deliver the selected event —
 * attempt n, local time and how long ago, the answer (HTTP status) or the error, the latency, the next
 * retry, the gap since the previous attempt (the backoff shows as growing gaps), the final outcome — and
 * this receiver's own arrivals of its webhook-id with what we answered each time. Without an emulator
 * log (the Gemini API publishes none) only the arrivals are shown. Every value goes in as text.
 */
import type { Arrival } from '../../core/receiver/arrivals';
import type { DeliveryAttempt } from '../../core/emulator/deliveryLog';
import { AttemptsView, DetailRecord } from './protocol';
import { clock, el } from './dom';

export interface AttemptsTimelineOptions {
  /** A click on another arrival's #seq. */
  readonly onJump: (seq: number) => void;
  /** The section was drawn with the host's answer (the page tells the host; tests wait on it). */
  readonly onRendered: (seq: number, attempts: number, arrivals: number) => void;
  readonly now?: () => number;
}

const OUTCOME_MARK: Record<DeliveryAttempt['outcome'], string> = { delivered: '✓', retry_scheduled: '↻', failed: '✕', cancelled: '⊘' };

export class AttemptsTimeline {
  private record: DetailRecord | undefined;
  private view: AttemptsView | undefined;
  private section: HTMLElement | undefined;

  constructor(private readonly options: AttemptsTimelineOptions) {}

  /** The section for this delivery (the detail pane's hook), or undefined when it has no webhook-id to follow. */
  render(record: DetailRecord): HTMLElement | undefined {
    if (record.seq !== this.record?.seq) this.view = undefined;
    this.record = record;
    this.section = record.webhookId === undefined || record.imported ? undefined : this.build(record, this.view);
    return this.section;
  }

  /** The host's answer for `seq`: redrawn in place when that delivery is shown. */
  update(seq: number, view: AttemptsView): void {
    if (seq !== this.record?.seq) return;
    this.view = view;
    if (!this.section?.isConnected) return;
    const next = this.build(this.record, view);
    this.section.replaceWith(next);
    this.section = next;
  }

  private build(record: DetailRecord, view: AttemptsView | undefined): HTMLElement {
    const section = el('section', 'attempts');
    const attempts = view?.attempts ?? [];
    const title = attempts.length > 0 ? `Attempts (${attempts.length})` : view && !view.loading ? `Arrivals (${view.arrivals.length})` : 'Attempts';
    section.appendChild(el('h3', '', title));
    if (!view || view.loading) {
      section.appendChild(el('p', 'placeholder', 'Reading the delivery log…'));
      return section;
    }
    const now = this.options.now?.() ?? Date.now();
    if (attempts.length > 0) {
      section.append(timeline(attempts, now), outcome(attempts, now));
    } else if (view.note) {
      section.appendChild(el('p', 'note', view.note));
    }
    section.appendChild(this.arrivals(record, view.arrivals, now));
    this.options.onRendered(record.seq, attempts.length, view.arrivals.length);
    return section;
  }

  /** "Arrived here 3 times — answered 500 rehearsed / 200 verified / 200 duplicate", then each arrival. */
  private arrivals(record: DetailRecord, arrivals: readonly Arrival[], now: number): HTMLElement {
    const box = el('div', 'arrivals');
    const answers = arrivals.map((a) => `${a.httpStatus} ${a.rehearsal ? 'rehearsed' : a.verdict}`).join(' / ');
    const times = arrivals.length === 1 ? 'once' : `${arrivals.length} times`;
    box.appendChild(el('p', 'arrivals-summary', `Arrived here ${times}${answers ? ` — answered ${answers}` : ''}`));
    const list = el('ol', 'arrival-list');
    list.setAttribute('aria-label', 'Arrivals at this receiver');
    for (const a of arrivals) {
      const li = el('li', `arrival verdict-${a.verdict}`);
      if (a.seq === record.seq) li.appendChild(el('span', 'seq', `#${a.seq} (this one)`));
      else {
        const jump = el('button', 'link seq', `#${a.seq}`);
        jump.type = 'button';
        jump.title = `Show delivery #${a.seq}`;
        jump.addEventListener('click', () => this.options.onJump(a.seq));
        li.appendChild(jump);
      }
      const answer = a.rehearsal ?? `answered ${a.httpStatus} ${a.verdict}`;
      li.append(when(a.receivedAt, now), el('span', 'answer', `${answer}${a.reason ? ` — ${a.reason}` : ''}`));
      if (a.duplicateOf !== undefined) li.appendChild(el('span', 'detail', `duplicate of #${a.duplicateOf}`));
      list.appendChild(li);
    }
    box.appendChild(list);
    return box;
  }
}

/** One row per attempt, with the gap since the previous one. */
function timeline(attempts: readonly DeliveryAttempt[], now: number): HTMLElement {
  const list = el('ol', 'timeline');
  list.setAttribute('aria-label', 'Delivery attempts by the emulator');
  list.tabIndex = 0;
  let previous: DeliveryAttempt | undefined;
  const last = attempts[attempts.length - 1];
  for (const a of attempts) {
    const li = el('li', `attempt outcome-${a.outcome}`);
    // The mark says the outcome to a screen reader too.
    const mark = el('span', 'mark', OUTCOME_MARK[a.outcome] ?? '•');
    mark.setAttribute('role', 'img');
    mark.setAttribute('aria-label', a.outcome.replace('_', ' '));
    li.append(mark, el('span', 'n', `Attempt ${a.attempt}`), when(a.time, now));
    li.appendChild(el('span', 'answer', a.status !== undefined ? `HTTP ${a.status}${a.error ? ` — ${a.error}` : ''}` : (a.error ?? a.outcome)));
    li.appendChild(el('span', 'latency', `${Math.round(a.duration_ms)} ms`));
    if (previous) li.appendChild(el('span', 'gap', `${span(Date.parse(a.time) - Date.parse(previous.time))} after attempt ${previous.attempt}`));
    if (a.next_retry_time && a === last) {
      const next = el('span', 'next', 'next retry ');
      next.appendChild(when(a.next_retry_time, now));
      li.appendChild(next);
    } else if (a.next_retry_time) {
      // Already retried: the wait it chose after the answer — the backoff, which grows from one attempt to the next.
      const wait = Math.max(0, Date.parse(a.next_retry_time) - Date.parse(a.time) - a.duration_ms);
      const next = el('span', 'next', `backoff ${span(wait)}`);
      next.title = a.next_retry_time;
      li.appendChild(next);
    }
    list.appendChild(li);
    previous = a;
  }
  return list;
}

/** The final outcome, or what happens next. */
function outcome(attempts: readonly DeliveryAttempt[], now: number): HTMLElement {
  const last = attempts[attempts.length - 1];
  const first = attempts[0];
  const elapsed = span(Date.parse(last.time) - Date.parse(first.time));
  const p = el('p', `outcome outcome-${last.outcome}`);
  switch (last.outcome) {
    case 'delivered':
      p.textContent = last.attempt === 1 ? 'Delivered on the first attempt.' : `Delivered on attempt ${last.attempt}, ${elapsed} after the first.`;
      break;
    case 'retry_scheduled':
      p.textContent = `Retry scheduled: attempt ${last.attempt + 1} `;
      if (last.next_retry_time) p.appendChild(when(last.next_retry_time, now));
      p.appendChild(document.createTextNode('. This view follows it.'));
      break;
    case 'failed':
      p.textContent = `Failed: no more retries after attempt ${last.attempt} (${last.status !== undefined ? `HTTP ${last.status}` : (last.error ?? 'failed')})${
        last.kind === 'static' ? '; the emulator disables a webhook whose deliveries fail for good' : ''
      }.`;
      break;
    case 'cancelled':
      p.textContent = `Stopped before attempt ${last.attempt}: ${last.error ?? 'cancelled'}.`;
      break;
  }
  return p;
}

/** "14:03:07 (2 min ago)" as a <time>, the ISO time in the tooltip. */
function when(iso: string, now: number): HTMLElement {
  const time = el('time', 'when', localWhen(iso, now));
  time.dateTime = iso;
  time.title = iso;
  return time;
}

/** "14:03:07 (2 min ago)": local time (the date too when it is not today) and how far off it is. */
export function localWhen(iso: string, now: number): string {
  const date = new Date(iso);
  const day =
    Number.isNaN(date.getTime()) || date.toDateString() === new Date(now).toDateString()
      ? ''
      : `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} `;
  return `${day}${clock(iso)} (${relative(Date.parse(iso) - now)})`;
}

/** "in 5 s", "2 min ago", "now" (within a second): seconds matter at a compressed time scale. */
export function relative(ms: number): string {
  if (Number.isNaN(ms)) return '?';
  if (Math.abs(ms) < 1000) return 'now';
  return ms > 0 ? `in ${span(ms)}` : `${span(-ms)} ago`;
}

/** A duration as a person reads it: "850 ms", "5.0 s", "5 min", "2.5 h", "3 days". */
export function span(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 48 * 3_600_000) return `${(ms / 3_600_000).toFixed(ms < 10 * 3_600_000 ? 1 : 0)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}
