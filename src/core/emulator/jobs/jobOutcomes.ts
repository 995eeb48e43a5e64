/**
 * Ending a simulated job now, with a chosen outcome: `POST /emulator/jobs:finish` and
 * `Emulator.finishJob()`. Left alone, a batch succeeds and a background interaction completes; this
 * is how a client gets the other ends the guide names (a batch that fails or expires, an interaction
 * that fails or waits for an action), each emitting its event as a natural end would.
 */
import { invalidArgument, notFound } from '../errors';
import { JsonObject } from '../http';

export const BATCH_OUTCOMES = ['succeeded', 'failed', 'expired', 'cancelled'] as const;
export const INTERACTION_OUTCOMES = ['completed', 'failed', 'requires_action', 'cancelled'] as const;
export type BatchOutcome = (typeof BATCH_OUTCOMES)[number];
export type InteractionOutcome = (typeof INTERACTION_OUTCOMES)[number];
export type JobOutcome = BatchOutcome | InteractionOutcome;

/** What a failed job reports: `error_code` and `error_message` of batch.failed / interaction.failed. */
export interface JobFailure {
  readonly errorCode: string;
  readonly errorMessage: string;
}

export const DEFAULT_FAILURE: JobFailure = { errorCode: 'INTERNAL', errorMessage: 'Simulated failure (emulator)' };

/** Google's canonical codes by name, for the `error.code` of a failed job's GET; any other name is UNKNOWN (2). */
const RPC_CODES: Readonly<Record<string, number>> = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
};

export const rpcCode = (errorCode: string): number => RPC_CODES[errorCode] ?? 2;

/** The kinds a client can end now; each throws the route's errors (404 unknown, 400 ended). */
export interface FinishableJobs {
  readonly batches: { get(id: string): JsonObject; finishNow(id: string, outcome: BatchOutcome, failure: JobFailure): JsonObject };
  readonly interactions: { get(id: string): JsonObject; finishNow(id: string, outcome: InteractionOutcome, failure: JobFailure): JsonObject };
}

export interface FinishRequest {
  /** A batch's name (`batches/…`) or a background interaction's id. */
  readonly name: string;
  readonly outcome: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

const MAX_ERROR_CODE = 100;
const MAX_ERROR_MESSAGE = 1000;

/** Reads the route's body `{name, outcome, error_code?, error_message?}` (camelCase accepted). */
export function parseFinishRequest(body: JsonObject): FinishRequest {
  for (const key of Object.keys(body)) {
    if (!['name', 'outcome', 'error_code', 'errorCode', 'error_message', 'errorMessage'].includes(key))
      throw invalidArgument(`Unknown name "${key.slice(0, 80)}": expected name, outcome, error_code, error_message.`);
  }
  const { name, outcome } = body;
  if (typeof name !== 'string' || name.trim() === '')
    throw invalidArgument(`Invalid value at 'name': a batch's name (batches/…) or an interaction's id is required.`);
  if (typeof outcome !== 'string' || outcome === '') throw invalidArgument(`Invalid value at 'outcome': ${allowedText()}.`);
  const errorCode = text(body.error_code ?? body.errorCode, 'error_code', MAX_ERROR_CODE);
  const errorMessage = text(body.error_message ?? body.errorMessage, 'error_message', MAX_ERROR_MESSAGE);
  return { name, outcome, ...(errorCode !== undefined ? { errorCode } : {}), ...(errorMessage !== undefined ? { errorMessage } : {}) };
}

/** Ends the named job now with the outcome; answers the job as its GET now shows it. */
export function finishJob(jobs: FinishableJobs, request: FinishRequest): JsonObject {
  const { name, outcome } = request;
  const isBatch = name.startsWith('batches/');
  if (!isBatch && name.includes('/'))
    throw notFound(
      `No batch or interaction named '${name.slice(0, 100)}': give a batch's name (batches/…) or an interaction's id. Video operations end only as video.generated.`,
    );
  const allowed: readonly string[] = isBatch ? BATCH_OUTCOMES : INTERACTION_OUTCOMES;
  // Unknown job first (404), then an outcome this kind cannot have (400), then an ended job (400).
  const kind = isBatch ? 'a batch' : 'an interaction';
  if (!allowed.includes(outcome)) {
    (isBatch ? jobs.batches : jobs.interactions).get(name); // the kind's 404 for an unknown job
    throw invalidArgument(`Invalid value at 'outcome': ${kind} ends as ${list(allowed)}; got '${outcome.slice(0, 40)}'.`);
  }
  if (outcome !== 'failed' && (request.errorCode !== undefined || request.errorMessage !== undefined))
    throw invalidArgument(`'error_code' and 'error_message' apply only to the outcome 'failed' (got '${outcome}').`);
  const failure: JobFailure = {
    errorCode: request.errorCode ?? DEFAULT_FAILURE.errorCode,
    errorMessage: request.errorMessage ?? DEFAULT_FAILURE.errorMessage,
  };
  return isBatch ? jobs.batches.finishNow(name, outcome as BatchOutcome, failure) : jobs.interactions.finishNow(name, outcome as InteractionOutcome, failure);
}

function text(value: unknown, field: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > max)
    throw invalidArgument(`Invalid value at '${field}': expected a non-empty string of at most ${max} characters.`);
  return value;
}

const list = (values: readonly string[]): string => `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;

function allowedText(): string {
  return `a batch ends as ${list(BATCH_OUTCOMES)}; a background interaction as ${list(INTERACTION_OUTCOMES)}`;
}
