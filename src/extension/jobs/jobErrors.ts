/**
 * How job failures read (a describer added to the CommandRunner): a job the API no longer knows
 * (404: the row is marked gone), a request the API refused (its message and the next step), a batch
 * input file with a broken line (the line, and Open File at it), an event that names no job. Other
 * API failures (key rejected, offline, rate limited, 5xx) are left to the Webhooks view's describer.
 */
import * as vscode from 'vscode';
import { ApiError } from '../../core/api';
import { BatchInputError, JobKind, JobRef } from '../../core/jobs';
import { ErrorDescriber, UserFacingError } from '../platform/commandRunner';
import { COMMANDS } from '../platform/ids';

export const KIND_LABELS: Record<JobKind, string> = {
  batch: vscode.l10n.t('Batch'),
  interaction: vscode.l10n.t('Interaction'),
  video: vscode.l10n.t('Video operation'),
};

/** The API answered 404 for a job: it does not exist (any more) on this backend. */
export class JobGoneError extends Error {
  override readonly name = 'JobGoneError';
  constructor(
    readonly ref: JobRef,
    readonly apiMessage: string,
  ) {
    super(vscode.l10n.t('{0} {1} was not found (404): {2}', KIND_LABELS[ref.kind], ref.name, apiMessage));
  }
}

/** What was being done when the API refused: starting a job, cancelling one, reading one. */
export type JobAction = 'start' | 'cancel' | 'read';

/** The API refused a job request (400, 409, 412…): its own message, and what to do next. */
export class JobRefusedError extends Error {
  override readonly name = 'JobRefusedError';
  constructor(
    readonly kind: JobKind,
    readonly action: JobAction,
    readonly error: ApiError,
  ) {
    super(vscode.l10n.t('The API refused the request ({0} {1}): {2}', error.httpStatus, error.status, error.message));
  }
}

/** A batch input file that cannot be read as requests (the core's error, with the file it is about). */
export class BatchFileError extends Error {
  override readonly name = 'BatchFileError';
  constructor(
    readonly uri: vscode.Uri,
    readonly input: BatchInputError,
  ) {
    super(input.message);
  }
}

async function openAtLine(uri: vscode.Uri, line: number | undefined): Promise<void> {
  const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true });
}

/**
 * The command has no job to act on — an event that names none (no `data.id`; a video event names only
 * its file), no jobs listed yet: an expected refusal, shown as a warning (see warnOnNoJob).
 */
export class NoJobError extends Error {
  override readonly name = 'NoJobError';
}

/** Runs an API call about one job: a 404 becomes JobGoneError, a refusal JobRefusedError; the rest is left as it is. */
export async function onJob<T>(ref: JobRef, action: JobAction, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw jobError(ref.kind, action, error, ref);
  }
}

/** The typed form of a job call's failure (see onJob). */
export function jobError(kind: JobKind, action: JobAction, error: unknown, ref?: JobRef): unknown {
  if (!(error instanceof ApiError)) return error;
  if (error.httpStatus === 404 && ref && action !== 'start') return new JobGoneError(ref, error.message);
  if (isRefusal(error.httpStatus)) return new JobRefusedError(kind, action, error);
  return error;
}

/** Statuses that are the API saying no to this request (401/403/429/5xx are the key, the quota, the service). */
const isRefusal = (status: number): boolean => status === 400 || status === 404 || status === 409 || status === 412 || status === 422;

export function describeJobError(error: unknown): UserFacingError | undefined {
  if (error instanceof JobGoneError) {
    return {
      message: vscode.l10n.t('{0} The Jobs view marks it gone; Refresh Jobs checks again.', error.message),
      actions: [{ title: vscode.l10n.t('Refresh Jobs'), run: () => vscode.commands.executeCommand(COMMANDS.refreshJobs) }],
    };
  }
  if (error instanceof JobRefusedError) return { message: `${error.message} ${nextStep(error)}` };
  if (error instanceof BatchFileError) {
    const line = error.input.line;
    return {
      message: vscode.l10n.t('{0}: {1} Nothing was sent.', vscode.workspace.asRelativePath(error.uri), error.input.message),
      actions: [{ title: line ? vscode.l10n.t('Open Line {0}', line) : vscode.l10n.t('Open File'), run: () => openAtLine(error.uri, line) }],
    };
  }
  if (error instanceof BatchInputError) return { message: vscode.l10n.t('{0} Nothing was sent.', error.message) };
  return undefined;
}

function nextStep(error: JobRefusedError): string {
  const { action, kind } = error;
  const status = error.error.status;
  if (action === 'cancel')
    return status === 'FAILED_PRECONDITION'
      ? vscode.l10n.t('It has probably ended already: Refresh Jobs shows its state.')
      : vscode.l10n.t('Refresh Jobs shows its state.');
  if (action === 'read') return vscode.l10n.t('Check that the job belongs to this project and backend (Use Gemini API / Start Local Emulator).');
  if (kind === 'video') return vscode.l10n.t('Check the model name (a Veo model such as veo-3.0-generate-001) and the prompt; the log has the full answer.');
  return vscode.l10n.t('Check the model name (such as gemini-2.5-flash) and the requests; the log has the full answer.');
}

export function jobErrorDescriber(): ErrorDescriber {
  return (error) => describeJobError(error);
}
