/**
 * The Gemini webhook event catalog: every type the API enum lists, plus the ones the guide names.
 * Unknown types are never dropped — `describeEventType` answers for them too.
 *
 * Subscribable (`subscribed_events` of a webhook) are exactly the API enum's seven types. The guide's
 * event table also names `batch.cancelled` and `interaction.cancelled`, but the API reference's enum
 * does not, and the @google/genai SDK types dropped them in 3.1.0 (googleapis/js-genai commit
 * 5dbdef6f7, 2026-04-28): they stay here — labelled, described, offered by Trigger Test Event and
 * shown when they arrive — with `subscribable: false`, so no picker offers them and the emulator
 * refuses them in `subscribed_events`.
 */

export type EventFamily = 'batch' | 'interaction' | 'video';

export interface EventTypeInfo {
  readonly type: string;
  readonly family: EventFamily;
  /** When the service emits it, in a few words (shown in pickers). */
  readonly description: string;
  /** The `data` fields the thin envelope carries. */
  readonly dataFields: readonly string[];
  /** True for the types the API accepts in `subscribed_events` (the API enum). */
  readonly subscribable: boolean;
  /** Why a known type is not subscribable. */
  readonly note?: string;
}

const NOT_IN_ENUM =
  "named in the guide's event table, but not in the API's subscribable enum (the SDK types dropped it in 3.1.0, googleapis/js-genai commit 5dbdef6f7)";

export const EVENT_CATALOG: readonly EventTypeInfo[] = [
  { type: 'batch.succeeded', family: 'batch', description: 'A batch job finished', dataFields: ['id', 'output_file_uri'], subscribable: true },
  { type: 'batch.expired', family: 'batch', description: 'A batch job was not processed in time', dataFields: ['id'], subscribable: true },
  {
    type: 'batch.failed',
    family: 'batch',
    description: 'A batch job failed with a system or validation error',
    dataFields: ['id', 'error_code', 'error_message'],
    subscribable: true,
  },
  {
    type: 'batch.cancelled',
    family: 'batch',
    description: 'A batch job was cancelled by the user',
    dataFields: ['id'],
    subscribable: false,
    note: NOT_IN_ENUM,
  },
  {
    type: 'interaction.requires_action',
    family: 'interaction',
    description: 'An interaction needs the caller to act (function call)',
    dataFields: ['id'],
    subscribable: true,
  },
  { type: 'interaction.completed', family: 'interaction', description: 'A background interaction completed', dataFields: ['id'], subscribable: true },
  {
    type: 'interaction.failed',
    family: 'interaction',
    description: 'A background interaction failed',
    dataFields: ['id', 'error_code', 'error_message'],
    subscribable: true,
  },
  {
    type: 'interaction.cancelled',
    family: 'interaction',
    description: 'A background interaction was cancelled',
    dataFields: ['id'],
    subscribable: false,
    note: NOT_IN_ENUM,
  },
  { type: 'video.generated', family: 'video', description: 'A video generation operation finished', dataFields: ['file_id', 'video_uri'], subscribable: true },
];

const BY_TYPE = new Map(EVENT_CATALOG.map((info) => [info.type, info]));

/** Types a webhook may subscribe to. */
export const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = EVENT_CATALOG.filter((e) => e.subscribable).map((e) => e.type);

export function isKnownEventType(type: string): boolean {
  return BY_TYPE.has(type);
}

export function isSubscribableEventType(type: string): boolean {
  return BY_TYPE.get(type)?.subscribable === true;
}

/** Catalog entry for a type; unknown types get a neutral entry so they are shown, never dropped. */
export function describeEventType(
  type: string,
): EventTypeInfo | { type: string; family: 'unknown'; description: string; dataFields: readonly string[]; subscribable: false } {
  return BY_TYPE.get(type) ?? { type, family: 'unknown', description: 'Event type not in the catalog', dataFields: [], subscribable: false };
}
