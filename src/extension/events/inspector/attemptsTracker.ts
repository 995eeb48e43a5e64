/**
 * The Attempts section's data for the delivery selected in the inspector: the emulator's log of its
 * attempts (when the backend is an emulator: the embedded one, or one `api.baseUrl` points at on
 * loopback) and this receiver's own arrivals of its webhook-id (core/receiver/arrivals.ts).
 *
 * Refreshed only while it can change, never on a polling loop: when another arrival of the same
 * webhook-id is recorded, and — while the emulator has a retry scheduled — once at the retry's due
 * time (an attempt that never reaches us, a timeout or a refused connection, is seen that way too),
 * then a few times with growing gaps while the attempt may still be under way (up to the emulator's
 * 15 s deadline), until the log shows it; likewise for a delivery that arrived moments ago (the emulator
 * logs an attempt once it has the answer). Nothing runs while nothing is selected or pending.
 */
import * as vscode from 'vscode';
import { fetchDeliveryAttempts, type AttemptsLookup, type DeliveryAttempt } from '../../../core/api/deliveryAttempts';
import { ArrivalIndex } from '../../../core/receiver/arrivals';
import type { ReceivedDelivery } from '../../../core/receiver/types';
import { redact, safeUrl } from '../../../core/util/redact';
import type { AttemptsView } from '../../../webview/inspector/protocol';
import { Disposable, toDisposable } from '../../platform/disposable';
import { EventFeed } from '../eventFeed';

/** Where an emulator's delivery log is read: its base URL and the key it may need. */
export interface DeliveryLogEndpoint {
  readonly baseUrl: string;
  apiKey(): Promise<string | undefined>;
}

/** After a retry's due time: look again after these gaps while the attempt is not in the log yet (sum > the 15 s attempt deadline). */
const FOLLOW_UP_MS = [500, 1_000, 2_000, 4_000, 8_000, 16_000];
/** A delivery this recent may not be in the emulator's log yet. */
const JUST_ARRIVED_MS = 15_000;

export class AttemptsTracker extends Disposable {
  private readonly index: ArrivalIndex;
  /** The history was replaced or reloaded: the index is rebuilt at the next lookup. */
  private stale = true;
  private selected: ReceivedDelivery | undefined;
  private last: AttemptsView | undefined;
  private request = 0;
  private timer: NodeJS.Timeout | undefined;
  private followUps = 0;

  constructor(
    private readonly feed: EventFeed,
    private readonly post: (seq: number, view: AttemptsView) => void,
    private readonly endpoint: () => DeliveryLogEndpoint | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.index = new ArrivalIndex(
      (seq) => feed.get(seq),
      () => feed.capacity,
    );
    this.register(
      feed.onDidAppend((record) => {
        if (!this.stale) this.index.add(record);
        if (this.selected && record.webhookId === this.selected.webhookId) void this.refresh();
      }),
    );
    this.register(
      feed.onDidClear(() => {
        this.index.reset();
        this.stale = false;
        this.select(undefined);
      }),
    );
    this.register(feed.onDidChangeState(() => (this.stale = true)));
    this.register(toDisposable(() => this.select(undefined)));
  }

  /** The page shows this delivery now (undefined: nothing, or the panel closed). */
  select(record: ReceivedDelivery | undefined): void {
    if (record && record.seq === this.selected?.seq) {
      // The same delivery drawn again (its record changed, or the page was reloaded, as a hidden webview is): send what we have.
      if (this.last) this.post(record.seq, this.last);
      return;
    }
    this.stop();
    this.selected = record?.webhookId !== undefined && !record.imported ? record : undefined;
    if (this.selected) void this.refresh();
  }

  private stop(): void {
    this.request++;
    this.selected = undefined;
    this.last = undefined;
    this.followUps = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arrivals(record: ReceivedDelivery) {
    if (this.stale) {
      this.index.reset(this.feed.records());
      this.stale = false;
    }
    return this.index.arrivalsOf(record);
  }

  private async refresh(): Promise<void> {
    const record = this.selected;
    if (!record?.webhookId) return;
    const request = ++this.request;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const arrivals = this.arrivals(record);
    const endpoint = this.endpoint();
    if (!endpoint) {
      this.show(record, {
        arrivals,
        note: vscode.l10n.t(
          'No emulator delivery log to read (the Gemini API publishes no delivery attempts): these are the times this receiver saw this webhook-id.',
        ),
      });
      return;
    }
    if (!this.last) this.show(record, { arrivals, loading: true });
    let lookup: AttemptsLookup;
    try {
      lookup = await fetchDeliveryAttempts({ baseUrl: endpoint.baseUrl, webhookId: record.webhookId, apiKey: await endpoint.apiKey() });
    } catch (error) {
      lookup = { kind: 'failed', detail: error instanceof Error ? error.message : String(error) };
    }
    if (request !== this.request) return; // another delivery was selected, or a newer refresh is under way
    const previous = this.last?.attempts?.length ?? 0;
    this.show(record, this.viewOf(lookup, this.arrivals(record), endpoint.baseUrl));
    const attempts = lookup.kind === 'found' ? lookup.attempts : [];
    this.followUps = attempts.length > previous ? 0 : this.followUps + 1;
    this.schedule(record, lookup.kind === 'found' ? attempts : undefined);
  }

  private viewOf(lookup: AttemptsLookup, arrivals: AttemptsView['arrivals'], baseUrl: string): AttemptsView {
    if (lookup.kind === 'found' && lookup.attempts.length > 0) return { arrivals, attempts: lookup.attempts.map(shownAttempt) };
    if (lookup.kind === 'found')
      return {
        arrivals,
        note: vscode.l10n.t(
          "The emulator's delivery log has no attempt of this webhook-id (it came from another sender, or the log moved on): these are the times this receiver saw it.",
        ),
      };
    if (lookup.kind === 'failed') this.log.debug(`inspector: delivery log at ${safeUrl(baseUrl)}: ${lookup.detail}`);
    return {
      arrivals,
      note:
        lookup.kind === 'unsupported'
          ? vscode.l10n.t('The backend publishes no delivery attempts: these are the times this receiver saw this webhook-id.')
          : vscode.l10n.t("The emulator's delivery log could not be read ({0}): these are the times this receiver saw this webhook-id.", lookup.detail),
    };
  }

  /**
   * While a retry is scheduled: look again at its due time, then with growing gaps until its attempt is in
   * the log. Likewise for a delivery that arrived moments ago and is not in the log yet: the emulator logs
   * an attempt once it has the answer, so it may be a little behind the receiver.
   */
  private schedule(record: ReceivedDelivery, attempts: readonly DeliveryAttempt[] | undefined): void {
    const latest = attempts?.[attempts.length - 1];
    let due: number;
    if (latest?.outcome === 'retry_scheduled' && latest.next_retry_time) due = Date.parse(latest.next_retry_time);
    else if (attempts?.length === 0 && Date.now() - Date.parse(record.receivedAt) < JUST_ARRIVED_MS) due = Date.parse(record.receivedAt);
    else return;
    const gap = FOLLOW_UP_MS[Math.max(this.followUps - 1, 0)];
    if (gap === undefined) return; // given up for now: the next arrival of this webhook-id refreshes it
    const delay = Math.max(due - Date.now(), 0) + gap;
    // Far-off retries (hours at time scale 1): a timer is cheap, but never beyond what setTimeout holds.
    this.timer = setTimeout(() => void this.refresh(), Math.min(delay, 0x7fffffff));
  }

  private show(record: ReceivedDelivery, view: AttemptsView): void {
    if (!view.loading) this.last = view;
    this.post(record.seq, view);
  }
}

/** An attempt as the page gets it: URLs (a dynamic delivery's target is its `webhook`) masked, secrets out of the error. */
function shownAttempt(a: DeliveryAttempt): DeliveryAttempt {
  return {
    ...a,
    url: safeUrl(a.url),
    ...(a.kind === 'dynamic' ? { webhook: safeUrl(a.webhook) } : {}),
    ...(a.error !== undefined ? { error: redact(a.error) } : {}),
  };
}
