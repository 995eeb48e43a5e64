/**
 * Simulated batch jobs (`models/{model}:batchGenerateContent`, the guide's `:batchCreate`): PENDING,
 * RUNNING after half the job duration, SUCCEEDED at the end (batch.succeeded), or CANCELLED on
 * request (batch.cancelled). `finishNow` (POST /emulator/jobs:finish) ends one at once, also as
 * FAILED (batch.failed) or EXPIRED (batch.expired). Answered as the long-running operation the SDK reads.
 */
import { WebhookConfig } from '../dispatch';
import { failedPrecondition, invalidArgument, notFound } from '../errors';
import { JsonObject } from '../http';
import { randomToken, rfc3339 } from '../ids';
import { BatchOutcome, JobFailure, rpcCode } from './jobOutcomes';
import { JobRegistry, objectField, optionalString, readWebhookConfig } from './jobRegistry';
import { JobTable } from './jobTable';

type BatchState =
  'BATCH_STATE_PENDING' | 'BATCH_STATE_RUNNING' | 'BATCH_STATE_SUCCEEDED' | 'BATCH_STATE_FAILED' | 'BATCH_STATE_EXPIRED' | 'BATCH_STATE_CANCELLED';
const END_STATES: Readonly<Record<BatchOutcome, BatchState>> = {
  succeeded: 'BATCH_STATE_SUCCEEDED',
  failed: 'BATCH_STATE_FAILED',
  expired: 'BATCH_STATE_EXPIRED',
  cancelled: 'BATCH_STATE_CANCELLED',
};
const BATCH_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch';

interface Batch {
  readonly name: string;
  readonly displayName: string;
  readonly model: string;
  readonly requestCount: number;
  /** Each inline request's `metadata.key` (they name the lines of the results file); not the requests themselves. */
  readonly keys?: readonly (string | undefined)[];
  readonly fileName?: string;
  readonly config?: WebhookConfig;
  state: BatchState;
  readonly createTime: number;
  updateTime: number;
  endTime?: number;
  /** Set when it ended as FAILED. */
  failure?: JobFailure;
}

export interface BatchInput {
  displayName?: string;
  requests?: unknown[];
  fileName?: string;
  config?: WebhookConfig;
}

export class Batches {
  private readonly byName: JobTable<Batch>;

  constructor(private readonly jobs: JobRegistry) {
    this.byName = new JobTable(jobs.maxJobs, 'batches');
  }

  /** The SDK's form: `{ batch: { inputConfig: { requests: { requests: [...] } | fileName }, displayName, webhookConfig } }`. */
  parseBatchGenerateContent(body: JsonObject): BatchInput {
    const batch = objectField(body, ['batch'], 'batch');
    if (!batch) throw invalidArgument(`Missing required field 'batch'.`);
    const input = objectField(batch, ['inputConfig', 'input_config'], 'batch.input_config');
    if (!input) throw invalidArgument(`Missing required field 'batch.input_config'.`);
    const fileName = optionalString(input, ['fileName', 'file_name'], 'batch.input_config.file_name');
    const wrapper = objectField(input, ['requests'], 'batch.input_config.requests');
    let requests: unknown[] | undefined;
    if (wrapper) {
      if (!Array.isArray(wrapper.requests)) throw invalidArgument(`Invalid value at 'batch.input_config.requests.requests': expected a list.`);
      requests = wrapper.requests;
    }
    if (!fileName && !requests) throw invalidArgument(`Invalid value at 'batch.input_config': give file_name or requests.`);
    const config = readWebhookConfig(batch, 'batch') ?? readWebhookConfig(body, 'request');
    return { displayName: optionalString(batch, ['displayName', 'display_name'], 'batch.display_name'), requests, fileName, config };
  }

  /** The guide's form: `{ src: "files/..." | [...], config: { display_name, webhook_config } }`. */
  parseBatchCreate(body: JsonObject): BatchInput {
    const src = body.src;
    const config = objectField(body, ['config'], 'config') ?? {};
    let fileName: string | undefined;
    let requests: unknown[] | undefined;
    if (typeof src === 'string' && src !== '') fileName = src;
    else if (Array.isArray(src)) requests = src;
    else throw invalidArgument(`Invalid value at 'src': expected a file name ("files/...") or a list of requests.`);
    return {
      displayName: optionalString(config, ['display_name', 'displayName'], 'config.display_name'),
      requests,
      fileName,
      config: readWebhookConfig(config, 'config') ?? readWebhookConfig(body, 'request'),
    };
  }

  create(model: string, input: BatchInput): JsonObject {
    this.byName.reserve();
    const now = this.jobs.clock.now();
    const name = `batches/${randomToken(24)}`;
    const batch: Batch = {
      name,
      displayName: input.displayName ?? name,
      model: model.startsWith('models/') ? model : `models/${model}`,
      requestCount: input.requests?.length ?? 0,
      ...(input.requests?.some((r) => requestKey(r) !== undefined) ? { keys: input.requests.map(requestKey) } : {}),
      state: 'BATCH_STATE_PENDING',
      createTime: now,
      updateTime: now,
      ...(input.fileName ? { fileName: input.fileName } : {}),
      ...(input.config ? { config: input.config } : {}),
    };
    this.byName.add(name, batch);
    this.jobs.after(0.5, () => this.transition(batch, 'BATCH_STATE_RUNNING'));
    this.jobs.after(1, () => this.transition(batch, 'BATCH_STATE_SUCCEEDED'));
    return this.view(batch);
  }

  get(id: string): JsonObject {
    return this.view(this.find(id));
  }

  /** What a results file is built from (./files.ts): the batch's state and each inline request's `metadata.key`, in order. */
  results(id: string): { readonly name: string; readonly state: string; readonly keys: readonly (string | undefined)[] } {
    const batch = this.find(id);
    return { name: batch.name, state: batch.state, keys: Array.from({ length: batch.requestCount }, (_, i) => batch.keys?.[i]) };
  }

  cancel(id: string): JsonObject {
    const batch = this.find(id);
    if (batch.endTime !== undefined) throw failedPrecondition(`Batch '${batch.name}' has already ended (${batch.state}).`);
    this.transition(batch, 'BATCH_STATE_CANCELLED');
    return {};
  }

  /** Ends a batch that has not ended now, as `outcome` (emitting its event); answers the operation. */
  finishNow(id: string, outcome: BatchOutcome, failure: JobFailure): JsonObject {
    const batch = this.find(id);
    if (batch.endTime !== undefined) throw failedPrecondition(`Batch '${batch.name}' has already ended (${batch.state}).`);
    if (outcome === 'failed') batch.failure = failure;
    this.transition(batch, END_STATES[outcome]);
    return this.view(batch);
  }

  delete(id: string): JsonObject {
    const batch = this.find(id);
    if (batch.endTime === undefined) this.transition(batch, 'BATCH_STATE_CANCELLED');
    this.byName.delete(batch.name);
    return {};
  }

  private find(id: string): Batch {
    const name = id.startsWith('batches/') ? id : `batches/${id}`;
    const batch = this.byName.get(name);
    if (!batch) throw notFound(`Batch '${name.slice(0, 100)}' not found.`);
    return batch;
  }

  private transition(batch: Batch, state: BatchState): void {
    if (batch.endTime !== undefined) return;
    const now = this.jobs.clock.now();
    batch.state = state;
    batch.updateTime = now;
    if (state === 'BATCH_STATE_RUNNING') return;
    batch.endTime = now;
    this.byName.markEnded(batch.name);
    const emit = (type: string, data: Record<string, unknown>) => this.jobs.dispatcher.emitForJob(batch.config, type, { id: batch.name, ...data });
    if (state === 'BATCH_STATE_SUCCEEDED') emit('batch.succeeded', { output_file_uri: this.outputUri(batch) });
    else if (state === 'BATCH_STATE_FAILED')
      emit('batch.failed', { error_code: batch.failure?.errorCode ?? '', error_message: batch.failure?.errorMessage ?? '' });
    else if (state === 'BATCH_STATE_EXPIRED') emit('batch.expired', {});
    else emit('batch.cancelled', {});
  }

  private outputUri(batch: Batch): string {
    return `${this.jobs.baseUrl}/v1beta/files/${batch.name.slice('batches/'.length)}-results:download?alt=media`;
  }

  private view(batch: Batch): JsonObject {
    const metadata: JsonObject = {
      '@type': BATCH_TYPE,
      name: batch.name,
      displayName: batch.displayName,
      model: batch.model,
      state: batch.state,
      createTime: rfc3339(batch.createTime),
      updateTime: rfc3339(batch.updateTime),
      batchStats: { requestCount: String(batch.requestCount) },
    };
    if (batch.endTime !== undefined) metadata.endTime = rfc3339(batch.endTime);
    if (batch.state === 'BATCH_STATE_SUCCEEDED') {
      metadata.output = batch.fileName
        ? { responsesFile: `files/${batch.name.slice('batches/'.length)}-results` }
        : {
            inlinedResponses: {
              inlinedResponses: Array.from({ length: batch.requestCount }, (_, i) => ({
                response: { candidates: [{ content: { role: 'model', parts: [{ text: `Emulated response ${i + 1}` }] }, finishReason: 'STOP' }] },
              })),
            },
          };
    }
    const op: JsonObject = { name: batch.name, metadata };
    if (batch.endTime !== undefined) {
      op.done = true;
      if (metadata.output) op.response = { '@type': `${BATCH_TYPE}Output`, ...(metadata.output as JsonObject) };
      else op.error = this.endError(batch);
    }
    return op;
  }

  /** The operation's `error` of a batch that ended without output (the emulator's wording). */
  private endError(batch: Batch): JsonObject {
    if (batch.state === 'BATCH_STATE_FAILED' && batch.failure) {
      const { errorCode, errorMessage } = batch.failure;
      return { code: rpcCode(errorCode), message: errorMessage, status: errorCode };
    }
    if (batch.state === 'BATCH_STATE_EXPIRED')
      return { code: 4, message: 'The batch expired: it was not processed in time (simulated by the emulator).', status: 'DEADLINE_EXCEEDED' };
    return { code: 1, message: 'The batch was cancelled.', status: 'CANCELLED' };
  }
}

function requestKey(request: unknown): string | undefined {
  const metadata = request && typeof request === 'object' ? (request as JsonObject).metadata : undefined;
  const key = metadata && typeof metadata === 'object' ? (metadata as JsonObject).key : undefined;
  return typeof key === 'string' ? key : undefined;
}
