/**
 * The Gemini jobs that end in a webhook event: batches, background interactions and video
 * generation operations. Requests are typed in the spelling the service (and the emulator, see
 * src/core/emulator/jobs/) accepts; answers are read tolerantly through the `read…` functions.
 */
import { asObject, str, stringFields } from './readJson';

/** Where a job sends its event when it ends, instead of (or besides) the registered webhooks. */
export interface JobWebhookConfig {
  readonly uris: readonly string[];
  readonly user_metadata?: Readonly<Record<string, unknown>>;
}

export interface TextPart {
  readonly text: string;
}

export interface Content {
  readonly role?: string;
  readonly parts: readonly TextPart[];
}

export interface InlinedRequest {
  readonly request: { readonly contents: readonly Content[] };
  /** `key` names the request's line in the results (the batch input file's `key`). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** `models/{model}:batchGenerateContent`: the SDK's form (inlined requests or an uploaded file). */
export interface BatchCreateRequest {
  readonly batch: {
    readonly displayName?: string;
    readonly inputConfig: { readonly requests: { readonly requests: readonly InlinedRequest[] } } | { readonly fileName: string };
    readonly webhookConfig?: JobWebhookConfig;
  };
}

export type BatchState =
  'BATCH_STATE_PENDING' | 'BATCH_STATE_RUNNING' | 'BATCH_STATE_SUCCEEDED' | 'BATCH_STATE_CANCELLED' | 'BATCH_STATE_FAILED' | 'BATCH_STATE_EXPIRED';

/** The long-running operation a batch create answers; `metadata.name` is the batch's name (`batches/…`). */
export interface BatchOperation {
  readonly name: string;
  readonly done: boolean;
  readonly metadata?: {
    readonly name?: string;
    readonly displayName?: string;
    readonly model?: string;
    readonly state?: BatchState | string;
    readonly createTime?: string;
    readonly updateTime?: string;
  };
}

/** `POST /interactions`: a background one runs, then completes (or is cancelled) and emits its event. */
export interface InteractionRequest {
  readonly model?: string;
  readonly agent?: string;
  readonly input: unknown;
  readonly background?: boolean;
  readonly webhook_config?: JobWebhookConfig;
}

export type InteractionStatus = 'in_progress' | 'completed' | 'cancelled' | 'failed';

export interface Interaction {
  readonly id: string;
  readonly status?: InteractionStatus | string;
  readonly model?: string;
  readonly agent?: string;
}

/** `models/{model}:predictLongRunning`: a video generation operation. */
export interface VideoGenerationRequest {
  readonly instances: readonly { readonly prompt: string }[];
  readonly webhook_config?: JobWebhookConfig;
}

export interface VideoOperation {
  /** `models/{model}/operations/{id}`. */
  readonly name: string;
  readonly done: boolean;
}

export function readBatchOperation(value: unknown): BatchOperation {
  const obj = asObject(value);
  const metadata =
    obj.metadata && typeof obj.metadata === 'object'
      ? { metadata: stringFields(asObject(obj.metadata), ['name', 'displayName', 'model', 'state', 'createTime', 'updateTime']) }
      : {};
  return { name: str(obj.name) ?? '', done: obj.done === true, ...metadata };
}

export function readInteraction(value: unknown): Interaction {
  const obj = asObject(value);
  return { id: str(obj.id) ?? '', ...stringFields(obj, ['status', 'model', 'agent']) };
}

export function readVideoOperation(value: unknown): VideoOperation {
  const obj = asObject(value);
  return { name: str(obj.name) ?? '', done: obj.done === true };
}
