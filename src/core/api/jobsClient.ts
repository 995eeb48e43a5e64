/**
 * The Gemini jobs that emit webhook events (batches, interactions, video generation), on the same
 * Transport as WebhooksClient: every call takes an optional AbortSignal and fails with the typed
 * errors of ./errors. Starting and cancelling are POSTs, which the transport never retries (a retry
 * could start a second job): see RETRYABLE_METHODS. The reads (get…, downloadFile) are GETs, retried
 * like every idempotent call; they answer the service's JSON as it came (read it with src/core/jobs/).
 */
import { ApiClient } from './apiClient';
import { Json, asObject } from './readJson';
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
const batchId = (name: string): string => name.replace(/^(operations\/)?(batches\/)?/, '');
/** A resource name as a path: each segment encoded, the slashes kept (`models/veo/operations/abc`). */
const namePath = (name: string): string => `/${name.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/')}`;

/** A results file larger than this is cut (the document says so): 16 MiB. */
export const MAX_DOWNLOAD_BYTES = 16 * 1024 * 1024;

/** A file pointer this client cannot fetch: not on the API's own origin (the key goes nowhere else), or not a file at all. */
export class NotDownloadableError extends Error {
  override readonly name = 'NotDownloadableError';
  constructor(readonly pointer: string) {
    super(`${pointer.slice(0, 200)} is not a file this API serves, so it was not fetched (the API key goes only to the API's own host).`);
  }
}

export class JobsClient extends ApiClient {
  /** Starts a batch; its operation's `metadata.name` (`batches/…`) names it. */
  async createBatch(model: string, request: BatchCreateRequest, opts: CallOptions = {}): Promise<BatchOperation> {
    return readBatchOperation(await this.transport.call('POST', `${modelPath(model)}:batchGenerateContent`, {}, request, opts));
  }

  /** Cancels a batch by name (`batches/…`) or id; it then emits batch.cancelled. */
  async cancelBatch(name: string, opts: CallOptions = {}): Promise<void> {
    await this.transport.call('POST', `/batches/${encodeURIComponent(batchId(name))}:cancel`, {}, {}, opts);
  }

  /** `GET /batches/{id}`: the batch's long-running operation (its `metadata` is the batch). */
  async getBatch(name: string, opts: CallOptions = {}): Promise<Json> {
    return asObject(await this.transport.call('GET', `/batches/${encodeURIComponent(batchId(name))}`, {}, undefined, opts));
  }

  /** `GET /interactions/{id}`. */
  async getInteraction(id: string, opts: CallOptions = {}): Promise<Json> {
    return asObject(await this.transport.call('GET', `/interactions/${encodeURIComponent(id)}`, {}, undefined, opts));
  }

  /** `GET /{name}` of a video operation (`models/{model}/operations/{id}`, or `operations/{id}`). */
  async getVideoOperation(name: string, opts: CallOptions = {}): Promise<Json> {
    const full = name.includes('/') ? name : `operations/${name}`;
    return asObject(await this.transport.call('GET', namePath(full), {}, undefined, opts));
  }

  /**
   * A file's content as text: an absolute URL on the API's own origin (the emulator's `output_file_uri`),
   * or a Files API name (`files/abc`, fetched from `/download/{version}/files/abc:download?alt=media`, as
   * the real service serves batch results). Anything else (a `gs://` URI, another host) is a
   * NotDownloadableError: nothing is sent. At most `maxBytes` are read.
   */
  async downloadFile(pointer: string, opts: CallOptions & { readonly maxBytes?: number } = {}): Promise<{ text: string; truncated: boolean }> {
    return this.transport.download(this.downloadPath(pointer), opts.maxBytes ?? MAX_DOWNLOAD_BYTES, opts);
  }

  /** Where `pointer` is downloaded from on this API's origin; throws NotDownloadableError when it is not there. */
  downloadPath(pointer: string): string {
    if (/^files\/[^/?#\s]+$/.test(pointer)) return `/download${this.transport.versionPrefix}${namePath(pointer)}:download?alt=media`;
    let url: URL;
    try {
      url = new URL(pointer);
    } catch {
      throw new NotDownloadableError(pointer);
    }
    if (url.origin !== this.transport.origin || url.username || url.password) throw new NotDownloadableError(pointer);
    return `${url.pathname}${url.search}`;
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
