/**
 * The jobs client plus the emulator's own control route that ends a job now with a chosen outcome
 * (`POST /emulator/jobs:finish`, outside the API: the Gemini API has no such route). Test events use
 * it for the ends a simulated job does not reach by itself (batch.failed, batch.expired,
 * interaction.failed, interaction.requires_action).
 */
import { JobsClient } from './jobsClient';
import { CallOptions, Transport, TransportOptions } from './transport';

/** Outcomes the emulator accepts: a batch's or an interaction's (see docs/emulator.md, Control). */
export type EmulatorJobOutcome = 'succeeded' | 'failed' | 'expired' | 'cancelled' | 'completed' | 'requires_action';

export interface EmulatorJobFailure {
  readonly error_code?: string;
  readonly error_message?: string;
}

export class EmulatorJobsClient extends JobsClient {
  /** The same host's `/emulator` prefix (the transport's path segment) instead of the API version's. */
  private readonly control: Transport;

  constructor(options: TransportOptions) {
    super(options);
    this.control = new Transport({ ...options, apiVersion: 'emulator' });
  }

  /** Ends the batch (`batches/…`) or background interaction (its id) now as `outcome`; answers the job as its GET shows it. */
  async finishJob(name: string, outcome: EmulatorJobOutcome, failure: EmulatorJobFailure = {}, opts: CallOptions = {}): Promise<Record<string, unknown>> {
    return (await this.control.call('POST', '/jobs:finish', {}, { name, outcome, ...failure }, opts)) as Record<string, unknown>;
  }

  override async close(): Promise<void> {
    await Promise.all([super.close(), this.control.close()]);
  }
}
