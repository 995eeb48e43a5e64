/**
 * One summary shape for the three kinds of Gemini job that end in a webhook event — batches,
 * background interactions, video generation operations — read tolerantly from each kind's answer
 * (either spelling, missing fields left out, never a throw). What an answer does not say (the
 * webhook_config a job was started with, say) is kept from what was known before (`mergeSummary`).
 */
import { Json, asObject, pick, str } from '../api/readJson';

export type JobKind = 'batch' | 'interaction' | 'video';
export const JOB_KINDS: readonly JobKind[] = ['batch', 'interaction', 'video'];

/** Which job: its kind and name (`batches/…`, an interaction id, `models/…/operations/…`). */
export interface JobRef {
  readonly kind: JobKind;
  readonly name: string;
}

/** Where a job's output is: a file (a Files API name or a URL), inline in the answer, or a video's URI. */
export type JobOutput =
  | { readonly kind: 'file'; readonly pointer: string }
  | { readonly kind: 'inline'; readonly count: number }
  | { readonly kind: 'video'; readonly uris: readonly string[] };

export interface JobError {
  readonly code?: number | string;
  readonly status?: string;
  readonly message?: string;
}

export interface JobSummary extends JobRef {
  readonly displayName?: string;
  /** As the service spells it (`BATCH_STATE_RUNNING`, `in_progress`); `stateLabel` shortens it. */
  readonly state?: string;
  /** True once the job can change no more (succeeded, failed, cancelled, expired; a done operation). */
  readonly ended: boolean;
  readonly model?: string;
  readonly createTime?: string;
  readonly updateTime?: string;
  readonly endTime?: string;
  /** webhook_config.uris, when known (from the answer, or from the request that started it). */
  readonly webhookUris?: readonly string[];
  readonly userMetadata?: Readonly<Record<string, unknown>>;
  readonly output?: JobOutput;
  readonly error?: JobError;
}

const BATCH_ENDED = new Set([
  'BATCH_STATE_SUCCEEDED',
  'BATCH_STATE_FAILED',
  'BATCH_STATE_CANCELLED',
  'BATCH_STATE_EXPIRED',
  'JOB_STATE_SUCCEEDED',
  'JOB_STATE_FAILED',
  'JOB_STATE_CANCELLED',
  'JOB_STATE_EXPIRED',
]);
const INTERACTION_ENDED = new Set(['completed', 'failed', 'cancelled', 'incomplete']);

/** `batches/abc` for a batch id in any form (`abc`, `batches/abc`, `operations/batches/abc`). */
export function batchName(id: string): string {
  const bare = id.replace(/^(operations\/)?(batches\/)?/, '');
  return `batches/${bare}`;
}

/** Reads the service's answer for a job of `kind` (what JobsClient's get… and create… calls answer). */
export function summarizeJob(kind: JobKind, answer: unknown): JobSummary {
  switch (kind) {
    case 'batch':
      return summarizeBatch(answer);
    case 'interaction':
      return summarizeInteraction(answer);
    case 'video':
      return summarizeVideo(answer);
  }
}

/** A batch's long-running operation (`{ name, metadata: {…batch}, done, response | error }`), or a bare batch. */
export function summarizeBatch(answer: unknown): JobSummary {
  const op = asObject(answer);
  const meta = op.metadata && typeof op.metadata === 'object' ? asObject(op.metadata) : op;
  const name = batchName(str(meta.name) ?? str(op.name) ?? '');
  const state = str(meta.state);
  const output = batchOutput(asObject(meta.output ?? op.response));
  const error = readError(op.error ?? meta.error);
  return {
    kind: 'batch',
    name,
    ...optional('displayName', str(pick(meta, 'display_name', 'displayName'))),
    ...optional('state', state),
    ended: op.done === true || (state !== undefined && BATCH_ENDED.has(state)),
    ...optional('model', str(meta.model)),
    ...times(meta),
    ...webhookConfig(meta),
    ...optional('output', output),
    ...optional('error', error),
  };
}

/** An Interaction (`{ id, status, model | agent, created, updated, outputs }`). */
export function summarizeInteraction(answer: unknown): JobSummary {
  const i = asObject(answer);
  const state = str(i.status);
  const outputs = Array.isArray(i.outputs) ? i.outputs : undefined;
  return {
    kind: 'interaction',
    name: str(i.id) ?? '',
    ...optional('state', state),
    ended: state !== undefined && INTERACTION_ENDED.has(state),
    ...optional('model', str(i.model) ?? (str(i.agent) ? `agent ${str(i.agent)}` : undefined)),
    ...optional('createTime', str(pick(i, 'create_time', 'createTime')) ?? str(i.created)),
    ...optional('updateTime', str(pick(i, 'update_time', 'updateTime')) ?? str(i.updated)),
    ...webhookConfig(i),
    ...optional('output', outputs ? ({ kind: 'inline', count: outputs.length } as const) : undefined),
    ...optional('error', readError(i.error)),
  };
}

/** A video generation operation (`{ name, done, response: { generateVideoResponse: { generatedSamples: [{ video: { uri } }] } } | error }`). */
export function summarizeVideo(answer: unknown): JobSummary {
  const op = asObject(answer);
  const name = str(op.name) ?? '';
  const error = readError(op.error);
  const done = op.done === true;
  const uris = videoUris(asObject(op.response));
  const model = /^models\/([^/]+)\/operations\//.exec(name)?.[1];
  return {
    kind: 'video',
    name,
    state: done ? (error ? 'failed' : 'done') : 'running',
    ended: done,
    ...optional('model', model),
    ...times(asObject(op.metadata)),
    ...optional('output', uris.length > 0 ? ({ kind: 'video', uris } as const) : undefined),
    ...optional('error', error),
  };
}

/** `next`, with what it does not say taken from `known` (the request's webhook_config, the display name…). */
export function mergeSummary(known: JobSummary | undefined, next: JobSummary): JobSummary {
  if (!known) return next;
  return { ...known, ...next } as JobSummary;
}

/** The state as a person reads it: `BATCH_STATE_SUCCEEDED` → `succeeded`, `in_progress` → `in progress`. */
export function stateLabel(summary: Pick<JobSummary, 'state' | 'ended'>): string {
  const state = summary.state;
  if (!state) return summary.ended ? 'ended' : 'unknown';
  return state
    .replace(/^(BATCH|JOB)_STATE_/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
}

/** The inline responses of a batch's answer, one JSON line each (as its results file would hold them); undefined when it has none. */
export function inlineResultsJsonl(answer: unknown): string | undefined {
  const op = asObject(answer);
  const meta = op.metadata && typeof op.metadata === 'object' ? asObject(op.metadata) : op;
  const output = asObject(meta.output ?? op.response);
  const list = inlinedList(output);
  if (!list) return undefined;
  return list.map((r) => `${JSON.stringify(r)}\n`).join('');
}

function batchOutput(output: Json): JobOutput | undefined {
  const file = str(pick(output, 'responses_file', 'responsesFile'));
  if (file) return { kind: 'file', pointer: file };
  const list = inlinedList(output);
  return list ? { kind: 'inline', count: list.length } : undefined;
}

function inlinedList(output: Json): unknown[] | undefined {
  const wrapper = pick(output, 'inlined_responses', 'inlinedResponses');
  if (Array.isArray(wrapper)) return wrapper;
  const inner = wrapper && typeof wrapper === 'object' ? pick(asObject(wrapper), 'inlined_responses', 'inlinedResponses') : undefined;
  return Array.isArray(inner) ? inner : undefined;
}

function videoUris(response: Json): string[] {
  const container = asObject(pick(response, 'generate_video_response', 'generateVideoResponse'));
  const samples = pick(container, 'generated_samples', 'generatedSamples');
  const videos = Array.isArray(samples) ? samples : Array.isArray(response.videos) ? response.videos : [];
  const out: string[] = [];
  for (const s of videos) {
    const sample = asObject(s);
    const uri = str(asObject(sample.video).uri) ?? str(sample.uri) ?? str(pick(sample, 'gcs_uri', 'gcsUri'));
    if (uri) out.push(uri);
  }
  return out;
}

function times(obj: Json): Partial<Pick<JobSummary, 'createTime' | 'updateTime' | 'endTime'>> {
  return {
    ...optional('createTime', str(pick(obj, 'create_time', 'createTime'))),
    ...optional('updateTime', str(pick(obj, 'update_time', 'updateTime'))),
    ...optional('endTime', str(pick(obj, 'end_time', 'endTime'))),
  };
}

function webhookConfig(obj: Json): Partial<Pick<JobSummary, 'webhookUris' | 'userMetadata'>> {
  const raw = pick(obj, 'webhook_config', 'webhookConfig');
  if (!raw || typeof raw !== 'object') return {};
  const cfg = asObject(raw);
  const uris = Array.isArray(cfg.uris) ? cfg.uris.filter((u): u is string => typeof u === 'string') : undefined;
  const meta = pick(cfg, 'user_metadata', 'userMetadata');
  return {
    ...optional('webhookUris', uris),
    ...optional('userMetadata', meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined),
  };
}

function readError(value: unknown): JobError | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const e = asObject(value);
  const code = typeof e.code === 'number' || typeof e.code === 'string' ? e.code : undefined;
  const error: JobError = { ...optional('code', code), ...optional('status', str(e.status)), ...optional('message', str(e.message)) };
  return Object.keys(error).length > 0 ? error : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
