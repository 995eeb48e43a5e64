/**
 * Simulated interactions (`POST /{v}/interactions`). A background one answers `in_progress`, then
 * `completed` after the job duration (interaction.completed); cancel makes it `cancelled`
 * (interaction.cancelled). `finishNow` (POST /emulator/jobs:finish) ends one at once, also as
 * `failed` (interaction.failed) or `requires_action` (interaction.requires_action: the model asks for
 * a function call; the interaction has stopped and waits for the caller, who answers with a new
 * interaction, so it can no longer be cancelled). A foreground one answers `completed` at once and
 * emits nothing.
 */
import { WebhookConfig } from '../dispatch';
import { failedPrecondition, invalidArgument, notFound } from '../errors';
import { JsonObject } from '../http';
import { randomToken, rfc3339 } from '../ids';
import { InteractionOutcome, JobFailure, rpcCode } from './jobOutcomes';
import { JobRegistry, optionalString, readWebhookConfig } from './jobRegistry';
import { JobTable } from './jobTable';

type Status = 'in_progress' | InteractionOutcome;

interface Interaction {
  readonly id: string;
  readonly model?: string;
  readonly agent?: string;
  readonly config?: WebhookConfig;
  status: Status;
  readonly created: number;
  updated: number;
  /** Set when it ended as `failed`. */
  failure?: JobFailure;
}

export class Interactions {
  private readonly byId: JobTable<Interaction>;

  constructor(private readonly jobs: JobRegistry) {
    this.byId = new JobTable(jobs.maxJobs, 'interactions');
  }

  create(body: JsonObject): JsonObject {
    const model = optionalString(body, ['model'], 'model');
    const agent = optionalString(body, ['agent'], 'agent');
    if (!model && !agent) throw invalidArgument(`Missing required field 'model' (or 'agent').`);
    if (body.input === undefined) throw invalidArgument(`Missing required field 'input'.`);
    if (body.background !== undefined && typeof body.background !== 'boolean') throw invalidArgument(`Invalid value at 'background': expected a boolean.`);
    const config = readWebhookConfig(body, 'interaction');
    this.byId.reserve();
    const now = this.jobs.clock.now();
    const interaction: Interaction = {
      id: `v1_${randomToken(32)}`,
      status: body.background === true ? 'in_progress' : 'completed',
      created: now,
      updated: now,
      ...(model ? { model } : {}),
      ...(agent ? { agent } : {}),
      ...(config ? { config } : {}),
    };
    this.byId.add(interaction.id, interaction);
    if (interaction.status === 'in_progress') this.jobs.after(1, () => this.finish(interaction, 'completed'));
    else this.byId.markEnded(interaction.id);
    return this.view(interaction);
  }

  get(id: string): JsonObject {
    return this.view(this.find(id));
  }

  cancel(id: string): JsonObject {
    const interaction = this.find(id);
    if (interaction.status !== 'in_progress') throw failedPrecondition(`Interaction '${id.slice(0, 100)}' is not in progress (${interaction.status}).`);
    this.finish(interaction, 'cancelled');
    return this.view(interaction);
  }

  /** Ends a background interaction in progress now, as `outcome` (emitting its event); answers the interaction. */
  finishNow(id: string, outcome: InteractionOutcome, failure: JobFailure): JsonObject {
    const interaction = this.find(id);
    if (interaction.status !== 'in_progress') throw failedPrecondition(`Interaction '${id.slice(0, 100)}' is not in progress (${interaction.status}).`);
    if (outcome === 'failed') interaction.failure = failure;
    this.finish(interaction, outcome);
    return this.view(interaction);
  }

  delete(id: string): JsonObject {
    const interaction = this.find(id);
    if (interaction.status === 'in_progress') this.finish(interaction, 'cancelled');
    this.byId.delete(id);
    return {};
  }

  private find(id: string): Interaction {
    const interaction = this.byId.get(id);
    if (!interaction) throw notFound(`Interaction '${id.slice(0, 100)}' not found.`);
    return interaction;
  }

  private finish(interaction: Interaction, status: InteractionOutcome): void {
    if (interaction.status !== 'in_progress') return;
    interaction.status = status;
    interaction.updated = this.jobs.clock.now();
    this.byId.markEnded(interaction.id);
    const failure = interaction.failure;
    const data = status === 'failed' && failure ? { error_code: failure.errorCode, error_message: failure.errorMessage } : {};
    this.jobs.dispatcher.emitForJob(interaction.config, `interaction.${status}`, { id: interaction.id, ...data });
  }

  private view(i: Interaction): JsonObject {
    const out: JsonObject = { id: i.id, object: 'interaction', status: i.status, created: rfc3339(i.created), updated: rfc3339(i.updated) };
    if (i.model) out.model = i.model;
    if (i.agent) out.agent = i.agent;
    if (i.status === 'completed') out.outputs = [{ type: 'text', text: 'Emulated interaction output.' }];
    if (i.status === 'requires_action') out.outputs = [{ type: 'function_call', id: `call_${i.id.slice(3, 19)}`, name: 'emulated_function', arguments: {} }];
    if (i.status === 'failed' && i.failure) out.error = { code: rpcCode(i.failure.errorCode), message: i.failure.errorMessage, status: i.failure.errorCode };
    return out;
  }
}
