/**
 * Simulated video generation (`models/{model}:predictLongRunning`): an operation that is done after
 * the job duration, emitting video.generated with `file_id` and `video_uri`.
 */
import { WebhookConfig } from '../dispatch';
import { invalidArgument, notFound } from '../errors';
import { JsonObject } from '../http';
import { randomToken } from '../ids';
import { JobRegistry, readWebhookConfig } from './jobRegistry';
import { JobTable } from './jobTable';

interface VideoOperation {
  readonly id: string;
  readonly name: string;
  readonly config?: WebhookConfig;
  done: boolean;
}

export class VideoOperations {
  private readonly byId: JobTable<VideoOperation>;

  constructor(private readonly jobs: JobRegistry) {
    this.byId = new JobTable(jobs.maxJobs, 'video operations');
  }

  create(model: string, body: JsonObject): JsonObject {
    if (!Array.isArray(body.instances) || body.instances.length === 0) throw invalidArgument(`Invalid value at 'instances': expected a non-empty list.`);
    const config = readWebhookConfig(body, 'request');
    this.byId.reserve();
    const id = randomToken(12);
    const op: VideoOperation = { id, name: `models/${model.replace(/^models\//, '')}/operations/${id}`, done: false, ...(config ? { config } : {}) };
    this.byId.add(id, op);
    this.jobs.after(1, () => {
      op.done = true;
      this.byId.markEnded(id);
      this.jobs.dispatcher.emitForJob(op.config, 'video.generated', { file_id: this.fileId(op), video_uri: this.videoUri(op) });
    });
    return this.view(op);
  }

  get(id: string): JsonObject {
    const op = this.byId.get(id);
    if (!op) throw notFound(`Operation '${id.slice(0, 100)}' not found.`);
    return this.view(op);
  }

  private fileId(op: VideoOperation): string {
    return `files/video-${op.id}`;
  }

  private videoUri(op: VideoOperation): string {
    return `${this.jobs.baseUrl}/v1beta/files/video-${op.id}:download?alt=media`;
  }

  private view(op: VideoOperation): JsonObject {
    if (!op.done) return { name: op.name, done: false };
    return {
      name: op.name,
      done: true,
      response: {
        '@type': 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse',
        generateVideoResponse: { generatedSamples: [{ video: { uri: this.videoUri(op) } }] },
      },
    };
  }
}
