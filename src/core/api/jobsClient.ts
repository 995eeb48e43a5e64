/**
 * The Gemini jobs that emit webhook events (batches, interactions, video generation), on the same
 * Transport as WebhooksClient: every call takes an optional AbortSignal and fails with the typed
 * errors of ./errors. These calls are POSTs, which the transport never retries (a retry could start
 * a second job): see RETRYABLE_METHODS.
 */
import { ApiClient } from './apiClient';
import {
  BatchCreateRequest,
  BatchOperation,
  Interaction,
  InteractionRequest,
  VideoGenerationRequest,
  VideoOperation,
  readBatchOperation,
  readInteraction,
  readVideoOperation,
} from './jobTypes';
import { CallOptions } from './transport';

const modelPath = (model: string): string => `/models/${encodeURIComponent(model.replace(/^models\//, ''))}`;

export class JobsClient extends ApiClient {
  /** Starts a batch; its operation's `metadata.name` (`batches/…`) names it. */
  async createBatch(model: string, request: BatchCreateRequest, opts: CallOptions = {}): Promise<BatchOperation> {
    return readBatchOperation(await this.transport.call('POST', `${modelPath(model)}:batchGenerateContent`, {}, request, opts));
  }

  /** Cancels a batch by name (`batches/…`) or id; it then emits batch.cancelled. */
  async cancelBatch(name: string, opts: CallOptions = {}): Promise<void> {
    const id = name.replace(/^(operations\/)?(batches\/)?/, '');
    await this.transport.call('POST', `/batches/${encodeURIComponent(id)}:cancel`, {}, {}, opts);
  }

  async createInteraction(request: InteractionRequest, opts: CallOptions = {}): Promise<Interaction> {
    return readInteraction(await this.transport.call('POST', '/interactions', {}, request, opts));
  }

  /** Cancels a background interaction in progress; it then emits interaction.cancelled. */
  async cancelInteraction(id: string, opts: CallOptions = {}): Promise<Interaction> {
    return readInteraction(await this.transport.call('POST', `/interactions/${encodeURIComponent(id)}/cancel`, {}, {}, opts));
  }

  /** Starts a video generation operation; it emits video.generated when done. */
  async generateVideo(model: string, request: VideoGenerationRequest, opts: CallOptions = {}): Promise<VideoOperation> {
    return readVideoOperation(await this.transport.call('POST', `${modelPath(model)}:predictLongRunning`, {}, request, opts));
  }
}
