/**
 * Test events through jobs: starts a job whose webhook_config points at a receiver, so the emulator
 * delivers its event dynamically (signed `v1a` Ed25519 or as a JWT, the emulator's dynamic signing
 * mode) when the job ends; the cancelled types cancel it at once.
 */
import { JobsClient } from './jobsClient';
import { JobWebhookConfig } from './jobTypes';
import { CallOptions } from './transport';

/** Event types the emulator's simulated jobs can produce, and how. */
export const EMULATOR_JOB_TYPES: Readonly<Record<string, string>> = {
  'batch.succeeded': 'a batch job that succeeds',
  'batch.cancelled': 'a batch job, cancelled',
  'interaction.completed': 'a background interaction that completes',
  'interaction.cancelled': 'a background interaction, cancelled',
  'video.generated': 'a video generation operation',
};

export interface EmulatorJob {
  /** The job's resource name or id. */
  readonly name: string;
}

const MODEL = 'gemini-2.5-flash';
const VIDEO_MODEL = 'veo-3.0-generate-001';

/**
 * Starts a job of the kind that produces `type`, whose webhook_config sends its event to
 * `receiverUrl`. The event arrives when the job ends (the emulator's job duration).
 */
export async function startEmulatorJob(
  jobs: JobsClient,
  type: string,
  receiverUrl: string,
  userMetadata: Record<string, unknown> = { source: 'vscode-test-event' },
  opts: CallOptions = {},
): Promise<EmulatorJob> {
  const webhookConfig: JobWebhookConfig = { uris: [receiverUrl], user_metadata: userMetadata };
  switch (type) {
    case 'batch.succeeded':
    case 'batch.cancelled': {
      const op = await jobs.createBatch(
        MODEL,
        {
          batch: {
            displayName: 'vscode test event',
            inputConfig: { requests: { requests: [{ request: { contents: [{ parts: [{ text: 'hello' }] }] } }] } },
            webhookConfig,
          },
        },
        opts,
      );
      const name = op.metadata?.name ?? op.name;
      if (type === 'batch.cancelled') await jobs.cancelBatch(name, opts);
      return { name };
    }
    case 'interaction.completed':
    case 'interaction.cancelled': {
      const interaction = await jobs.createInteraction({ model: MODEL, input: 'hello', background: true, webhook_config: webhookConfig }, opts);
      if (type === 'interaction.cancelled') await jobs.cancelInteraction(interaction.id, opts);
      return { name: interaction.id };
    }
    case 'video.generated': {
      const op = await jobs.generateVideo(VIDEO_MODEL, { instances: [{ prompt: 'a test video' }], webhook_config: webhookConfig }, opts);
      return { name: op.name };
    }
    default:
      throw new Error(`The emulator's jobs cannot produce ${type} events; sign it with a stored secret instead.`);
  }
}
