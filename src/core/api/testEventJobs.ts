/**
 * Test events through jobs: starts a job whose webhook_config points at a receiver, so the emulator
 * delivers its event dynamically (signed `v1a` Ed25519 or as a JWT, the emulator's dynamic signing
 * mode) when the job ends; the cancelled types cancel it at once (the API's cancel), and the failed,
 * expired and requires_action types end it at once through the emulator's control route.
 */
import { EmulatorJobOutcome, EmulatorJobsClient } from './emulatorJobsClient';
import { JobWebhookConfig } from './jobTypes';
import { CallOptions } from './transport';

/** Event types the emulator's simulated jobs can produce, and how. */
export const EMULATOR_JOB_TYPES: Readonly<Record<string, string>> = {
  'batch.succeeded': 'a batch job that succeeds',
  'batch.failed': 'a batch job, ended as failed',
  'batch.expired': 'a batch job, ended as expired',
  'batch.cancelled': 'a batch job, cancelled',
  'interaction.requires_action': 'a background interaction, ended waiting for a function call',
  'interaction.completed': 'a background interaction that completes',
  'interaction.failed': 'a background interaction, ended as failed',
  'interaction.cancelled': 'a background interaction, cancelled',
  'video.generated': 'a video generation operation',
};

/** The types a job reaches only when told to: the outcome given to the emulator's control route. */
const FINISHED_AS: Readonly<Record<string, EmulatorJobOutcome>> = {
  'batch.failed': 'failed',
  'batch.expired': 'expired',
  'interaction.failed': 'failed',
  'interaction.requires_action': 'requires_action',
};

export interface EmulatorJob {
  /** The job's resource name or id. */
  readonly name: string;
  /** Ended already (cancelled or finished at once), so its event is on its way now; otherwise it arrives after the job duration. */
  readonly ended: boolean;
}

const MODEL = 'gemini-2.5-flash';
const VIDEO_MODEL = 'veo-3.0-generate-001';

/**
 * Starts a job of the kind that produces `type`, whose webhook_config sends its event to
 * `receiverUrl`. The event arrives when the job ends: after the emulator's job duration, or at once
 * for the cancelled, failed, expired and requires_action types.
 */
export async function startEmulatorJob(
  jobs: EmulatorJobsClient,
  type: string,
  receiverUrl: string,
  userMetadata: Record<string, unknown> = { source: 'vscode-test-event' },
  opts: CallOptions = {},
): Promise<EmulatorJob> {
  const webhookConfig: JobWebhookConfig = { uris: [receiverUrl], user_metadata: userMetadata };
  const finishAs = FINISHED_AS[type];
  switch (type) {
    case 'batch.succeeded':
    case 'batch.failed':
    case 'batch.expired':
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
      if (finishAs) await jobs.finishJob(name, finishAs, {}, opts);
      return { name, ended: type !== 'batch.succeeded' };
    }
    case 'interaction.requires_action':
    case 'interaction.completed':
    case 'interaction.failed':
    case 'interaction.cancelled': {
      const interaction = await jobs.createInteraction({ model: MODEL, input: 'hello', background: true, webhook_config: webhookConfig }, opts);
      if (type === 'interaction.cancelled') await jobs.cancelInteraction(interaction.id, opts);
      if (finishAs) await jobs.finishJob(interaction.id, finishAs, {}, opts);
      return { name: interaction.id, ended: type !== 'interaction.completed' };
    }
    case 'video.generated': {
      const op = await jobs.generateVideo(VIDEO_MODEL, { instances: [{ prompt: 'a test video' }], webhook_config: webhookConfig }, opts);
      return { name: op.name, ended: false };
    }
    default:
      throw new Error(`The emulator's jobs cannot produce ${type} events; sign it with a stored secret instead.`);
  }
}
