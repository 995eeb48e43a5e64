/**
 * The Gemini webhook event catalog: every type the API enum lists, plus the ones the guide names.
 * Unknown types are never dropped — `describeEventType` answers for them too.
 */

export type EventFamily = 'batch' | 'interaction' | 'video';

export interface EventTypeInfo {
  readonly type: string;
  readonly family: EventFamily;
  /** When the service emits it, in a few words (shown in pickers). */
  readonly description: string;
  /** The `data` fields the thin envelope carries. */
  readonly dataFields: readonly string[];
  /** True for the types the API accepts in `subscribed_events`. */
  readonly subscribable: boolean;
}

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
  { type: 'batch.cancelled', family: 'batch', description: 'A batch job was cancelled by the user', dataFields: ['id'], subscribable: true },
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
  { type: 'interaction.cancelled', family: 'interaction', description: 'A background interaction was cancelled', dataFields: ['id'], subscribable: true },
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
