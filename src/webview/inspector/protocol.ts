/**
 * The one message protocol between the inspector's host (src/extension/events/inspector) and its page
 * (src/webview/inspector). Shared by both sides: it must never import `vscode`.
 *
 * page → host: ready, requestDetail, copyBody, copyCurl, replay, openJson, openJob, openResults, viewed, attemptsRendered
 * host → page: init, append, update, clear, detail, select, status, replayResult, attempts
 */
import type { ReceivedDelivery, DeliveryVerdict, ForwardResult } from '../../core/receiver/types';
import type { Arrival } from '../../core/receiver/arrivals';
import type { DeliveryAttempt } from '../../core/emulator/deliveryLog';

export type Verdict = DeliveryVerdict;
export const VERDICTS: readonly Verdict[] = ['verified', 'duplicate', 'rejected'];

/** What the list needs about one delivery (the full record comes with `detail`). */
export interface RowSummary {
  readonly seq: number;
  readonly receivedAt: string;
  readonly verdict: Verdict;
  readonly eventType?: string;
  readonly webhookId?: string;
  /** The webhook the delivery came from (what the source filter matches): the matched secret's webhook id, a token's issuer, or a manual secret's label. */
  readonly source?: string;
  /** The source as a person reads it: the webhook's name (the id when it has none). */
  readonly sourceLabel?: string;
  /** Tooltip of the source: the id behind the name. */
  readonly sourceTitle?: string;
  readonly reason?: string;
  readonly httpStatus: number;
  /** Lower-cased ids and (the start of) the body, for the page's text search. */
  readonly haystack: string;
}

/** What the host works out for the detail pane (the page holds no core code: it imports types only). */
export interface DetailDisplay {
  /** The event type, or "(rejected)" / "(no event type)" — the same words as the list. */
  readonly typeLabel: string;
  /** The webhook the delivery came from, by name; its id in `sourceTitle`. */
  readonly source?: string;
  readonly sourceTitle?: string;
  /** The matched secret's label with the webhook's current name. */
  readonly secretLabel?: string;
  /** The body pretty-printed token for token (core/util/jsonFormat); absent when the body is not JSON text. */
  readonly prettyBody?: string;
  /** `user_metadata` exactly as written in the body, pretty-printed the same way. */
  readonly userMetadata?: string;
  /** Why "Replay to app" cannot send this delivery (the button is disabled, this is its tooltip). */
  readonly replayBlocked?: string;
  /** What a failure rehearsal answered instead of the usual (Simulate Receiver Failures…), in words. */
  readonly rehearsal?: string;
  /** The job actions this event offers: it points at a job (Open Job), and at its output (Open Results). */
  readonly jobActions?: readonly JobAction[];
}

/** Actions on the job an event points at; the host runs the Jobs feature's command of the same name. */
export type JobAction = 'openJob' | 'openResults';

/**
 * A delivery as shown in the detail pane: the receiver's record itself (JSON data; type-only import, no
 * code), with the host's notes on it (e.g. the body-unbound warning) and what it worked out for display.
 */
export type DetailRecord = ReceivedDelivery & { readonly notes?: readonly string[]; readonly display?: DetailDisplay };

/** How the body is shown: as received, or pretty-printed without changing a token. */
export type BodyView = 'raw' | 'pretty';
export const BODY_VIEWS: readonly BodyView[] = ['raw', 'pretty'];

/** The detail pane's collapsible sections. */
export type Collapsible = 'headers' | 'token';
export const COLLAPSIBLES: readonly Collapsible[] = ['headers', 'token'];

/** A forward or replay result, as the receiver records it. */
export type ForwardSummary = ForwardResult;

/**
 * The Attempts section of one delivery: the emulator's log of its attempts when the backend keeps one,
 * and always this receiver's own arrivals of its webhook-id.
 */
export interface AttemptsView {
  /** Every attempt the emulator made, oldest first (absent: no emulator log, or none of this delivery in it). */
  readonly attempts?: readonly DeliveryAttempt[];
  /** Why there is no timeline from the sender (the Gemini API publishes none; the emulator's log has none of it). */
  readonly note?: string;
  /** Each arrival here of the same webhook-id and source, oldest first (this delivery included). */
  readonly arrivals: readonly Arrival[];
  /** The emulator's log is being read. */
  readonly loading?: boolean;
}

export interface ReceiverState {
  readonly running: boolean;
  readonly url?: string;
  readonly forwardTo?: string;
}

// ---- page → host ----
export type PageMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'requestDetail'; readonly seq: number }
  | { readonly type: 'copyBody'; readonly seq: number }
  | { readonly type: 'copyCurl'; readonly seq: number }
  | { readonly type: 'replay'; readonly seq: number }
  /** Opens the body in an editor, as the pane shows it (raw by default). */
  | { readonly type: 'openJson'; readonly seq: number; readonly view?: BodyView }
  /** Opens the job the event points at, or its results (the host runs the job command with the seq). */
  | { readonly type: 'openJob'; readonly seq: number }
  | { readonly type: 'openResults'; readonly seq: number }
  /** The page's rows with these seqs became visible (used by tests and the ingest benchmark). */
  | { readonly type: 'rendered'; readonly seqs: readonly number[]; readonly at: number }
  /** The Attempts section of `seq` was drawn with this many attempts and arrivals (used by tests). */
  | { readonly type: 'attemptsRendered'; readonly seq: number; readonly attempts: number; readonly arrivals: number };

// ---- host → page ----
export type HostMessage =
  | { readonly type: 'init'; readonly rows: readonly RowSummary[]; readonly capacity: number; readonly receiver: ReceiverState; readonly select?: number }
  | { readonly type: 'append'; readonly rows: readonly RowSummary[] }
  | { readonly type: 'update'; readonly rows: readonly RowSummary[] }
  | { readonly type: 'clear' }
  | { readonly type: 'detail'; readonly record: DetailRecord }
  | { readonly type: 'missing'; readonly seq: number }
  | { readonly type: 'select'; readonly seq: number }
  | { readonly type: 'status'; readonly receiver: ReceiverState }
  | { readonly type: 'replayResult'; readonly seq: number; readonly ok: boolean; readonly message: string }
  | { readonly type: 'attempts'; readonly seq: number; readonly view: AttemptsView };

/** State the page persists with `setState`, handed back to the serializer after a reload. */
export interface PageState {
  readonly selected?: number;
  /** Raw or pretty, kept from one delivery to the next. */
  readonly bodyView?: BodyView;
  /** The collapsible sections the user opened. */
  readonly open?: readonly Collapsible[];
}

const SEQ_MESSAGES = new Set(['requestDetail', 'copyBody', 'copyCurl', 'replay', 'openJson', 'openJob', 'openResults']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Guards what the host receives: anything else from the page is ignored. */
export function isPageMessage(value: unknown): value is PageMessage {
  if (!isObject(value) || typeof value.type !== 'string') return false;
  if (value.type === 'ready') return true;
  if (value.type === 'openJson' && value.view !== undefined && !BODY_VIEWS.includes(value.view as BodyView)) return false;
  if (SEQ_MESSAGES.has(value.type)) return isSeq(value.seq);
  if (value.type === 'rendered') return Array.isArray(value.seqs) && value.seqs.every(isSeq) && typeof value.at === 'number';
  if (value.type === 'attemptsRendered') return isSeq(value.seq) && isCount(value.attempts) && isCount(value.arrivals);
  return false;
}

function isRow(value: unknown): value is RowSummary {
  return (
    isObject(value) &&
    isSeq(value.seq) &&
    typeof value.receivedAt === 'string' &&
    VERDICTS.includes(value.verdict as Verdict) &&
    typeof value.haystack === 'string'
  );
}

/** Guards what the page receives. */
export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value) || typeof value.type !== 'string') return false;
  switch (value.type) {
    case 'init':
      return Array.isArray(value.rows) && value.rows.every(isRow) && typeof value.capacity === 'number' && isObject(value.receiver);
    case 'append':
    case 'update':
      return Array.isArray(value.rows) && value.rows.every(isRow);
    case 'clear':
      return true;
    case 'detail':
      return isObject(value.record) && isSeq(value.record.seq) && typeof value.record.body === 'string';
    case 'missing':
    case 'select':
      return isSeq(value.seq);
    case 'status':
      return isObject(value.receiver) && typeof value.receiver.running === 'boolean';
    case 'replayResult':
      return isSeq(value.seq) && typeof value.ok === 'boolean' && typeof value.message === 'string';
    case 'attempts':
      return (
        isSeq(value.seq) &&
        isObject(value.view) &&
        Array.isArray(value.view.arrivals) &&
        (value.view.attempts === undefined || Array.isArray(value.view.attempts))
      );
    default:
      return false;
  }
}

export function isPageState(value: unknown): value is PageState {
  return (
    isObject(value) &&
    (value.selected === undefined || isSeq(value.selected)) &&
    (value.bodyView === undefined || BODY_VIEWS.includes(value.bodyView as BodyView)) &&
    (value.open === undefined || (Array.isArray(value.open) && value.open.every((c) => COLLAPSIBLES.includes(c as Collapsible))))
  );
}
