/**
 * From an event to its job. Batch and interaction events carry the job's id in `data.id`: the
 * reference names the job, and GET finds it. A video.generated event carries only the file it made
 * (`data.file_id`, `data.video_uri`), never the operation's name, and the API has no call from a file
 * to the operation that made it: the reference keeps the file, and a job is found only among video
 * operations already known (whose done answer lists the same video URI, see `matchesVideo`).
 */
import { EventEnvelope, envelopeFromJson } from '../events/envelope';
import type { ReceivedDelivery } from '../receiver/types';
import { str } from '../api/readJson';
import { JobKind, JobSummary, batchName } from './jobSummary';

export type EventJobRef =
  | { readonly kind: 'batch' | 'interaction'; readonly name: string; readonly type: string }
  /** A video event: the file it points at; the operation is not named. */
  | { readonly kind: 'video'; readonly fileId?: string; readonly videoUri?: string; readonly type: string };

/** The job family of an event type by its prefix (`batch.completed` from cookbook code counts too). */
export function eventKind(type: string): JobKind | undefined {
  const family = type.split('.')[0];
  return family === 'batch' || family === 'interaction' || family === 'video' ? family : undefined;
}

/** The job an event points at, or undefined when it names none (an unknown family, no `data.id`). */
export function eventJobRef(envelope: Pick<EventEnvelope, 'type' | 'data'>): EventJobRef | undefined {
  const kind = eventKind(envelope.type);
  const data = envelope.data ?? {};
  if (kind === 'video') {
    const fileId = str(data.file_id) ?? str(data.file_name);
    const videoUri = str(data.video_uri) ?? str(data.output_file_uri);
    if (!fileId && !videoUri) return undefined;
    return { kind, type: envelope.type, ...(fileId ? { fileId } : {}), ...(videoUri ? { videoUri } : {}) };
  }
  const id = str(data.id);
  if (!kind || !id) return undefined;
  return { kind, name: kind === 'batch' ? batchName(id) : id, type: envelope.type };
}

/** The envelope of a recorded delivery (a text body that parses as an event), or undefined. */
export function deliveryEnvelope(record: Pick<ReceivedDelivery, 'body' | 'bodyEncoding' | 'bodyTruncated'>): EventEnvelope | undefined {
  if (record.bodyEncoding === 'base64' || record.bodyTruncated) return undefined;
  try {
    return envelopeFromJson(JSON.parse(record.body));
  } catch {
    return undefined;
  }
}

/** The job a delivery's event points at: only for deliveries the receiver accepted (a forged one points at nothing). */
export function deliveryJobRef(record: Pick<ReceivedDelivery, 'body' | 'bodyEncoding' | 'bodyTruncated' | 'verdict'>): EventJobRef | undefined {
  if (record.verdict === 'rejected') return undefined;
  const envelope = deliveryEnvelope(record);
  return envelope ? eventJobRef(envelope) : undefined;
}

/** The pointer an event gives to its job's output: a batch.succeeded's `output_file_uri`, a video's URI. */
export function eventOutputPointer(envelope: Pick<EventEnvelope, 'data'>): string | undefined {
  const data = envelope.data ?? {};
  return str(data.output_file_uri) ?? str(data.responses_file) ?? str(data.video_uri);
}

/** True when a known video operation made the file a video event points at (its done answer lists that URI). */
export function matchesVideo(ref: EventJobRef, job: Pick<JobSummary, 'kind' | 'output'>): boolean {
  if (ref.kind !== 'video' || job.kind !== 'video' || job.output?.kind !== 'video') return false;
  const uris = job.output.uris;
  return uris.some((u) => (ref.videoUri !== undefined && u === ref.videoUri) || (ref.fileId !== undefined && fileIdOf(u) === ref.fileId));
}

/** `files/abc` from a download URI such as `…/v1beta/files/abc:download?alt=media`. */
function fileIdOf(uri: string): string | undefined {
  const m = /\/(files\/[^/:?#]+)(?::download)?(?:[?#]|$)/.exec(uri);
  return m?.[1];
}
