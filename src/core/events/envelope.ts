/** The thin event envelope every delivery carries: pointers, never the output itself. */

export interface EventEnvelope {
  type: string;
  version: string;
  /** RFC 3339 time the event happened. */
  timestamp: string;
  data: Record<string, unknown>;
  /** Present on dynamic (per-request) deliveries: the job's webhook_config.user_metadata. */
  user_metadata?: Record<string, unknown>;
}

let counter = 0;

/** A fresh opaque id, e.g. for sample data fields. */
export function sampleId(prefix: string): string {
  counter = (counter + 1) % 1_000_000;
  return `${prefix}_${Date.now().toString(36)}${counter.toString(36)}`;
}

/** Sample `data` for a type, with the fields the catalog lists (used by test triggers and pings). */
export function sampleEventData(type: string): Record<string, unknown> {
  switch (type) {
    case 'batch.succeeded':
      return { id: sampleId('batch'), output_file_uri: 'gs://example-bucket/results.jsonl', error_count: 0 };
    case 'batch.failed':
    case 'interaction.failed':
      return { id: sampleId(type.split('.')[0]), error_code: 'INTERNAL', error_message: 'Simulated failure' };
    case 'video.generated':
      return { file_id: sampleId('file'), video_uri: 'https://generativelanguage.googleapis.com/v1beta/files/sample:download?alt=media' };
    default:
      return { id: sampleId(type.split('.')[0] || 'event') };
  }
}

export function makeEnvelope(type: string, data?: Record<string, unknown>, userMetadata?: Record<string, unknown>, now: Date = new Date()): EventEnvelope {
  const envelope: EventEnvelope = { type, version: 'v1', timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), data: data ?? sampleEventData(type) };
  if (userMetadata !== undefined) envelope.user_metadata = userMetadata;
  return envelope;
}

/** Parses an envelope leniently: anything JSON with a string `type` is an event; unknown types are kept. */
export function parseEnvelope(raw: string): EventEnvelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  return envelopeFromJson(value);
}

/** The envelope in an already parsed JSON value, or undefined when it is not an event object. */
export function envelopeFromJson(value: unknown): EventEnvelope | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.type !== 'string') return undefined;
  return {
    type: v.type,
    version: typeof v.version === 'string' ? v.version : '',
    timestamp: typeof v.timestamp === 'string' ? v.timestamp : '',
    data: typeof v.data === 'object' && v.data !== null && !Array.isArray(v.data) ? (v.data as Record<string, unknown>) : {},
    ...(typeof v.user_metadata === 'object' && v.user_metadata !== null ? { user_metadata: v.user_metadata as Record<string, unknown> } : {}),
  };
}
