/** What the job commands share, and how a command finds the job it acts on: a row, an event, or a pick. */
import * as vscode from 'vscode';
import { EventEnvelope } from '../../../core/events/envelope';
import { EventJobRef, JobRef, deliveryEnvelope, eventJobRef, stateLabel } from '../../../core/jobs';
import type { ReceivedDelivery } from '../../../core/receiver/types';
import { JobsDeps } from '../deps';
import { JobDocuments } from '../jobDocuments';
import { KIND_LABELS, NoJobError } from '../jobErrors';
import { TrackedJob } from '../jobStore';
import { JobTracker } from '../jobTracker';
import type { JobArg } from '../tree/jobNodes';

export interface JobCommandDeps extends JobsDeps {
  readonly tracker: JobTracker;
  readonly documents: JobDocuments;
}

/** A row of the Jobs view, an event (Events view, inspector: `{ seq }`), or nothing (then a pick). */
export type JobCommandArg = JobArg | { readonly seq: number } | undefined;

export interface ResolvedJob {
  readonly ref: JobRef;
  /** When the command came from an event: the event and its envelope. */
  readonly event?: { readonly record: ReceivedDelivery; readonly envelope: EventEnvelope; readonly ref: EventJobRef };
}

const isJobArg = (arg: unknown): arg is JobArg =>
  !!arg && typeof arg === 'object' && !!(arg as JobArg).ref && typeof (arg as JobArg).ref.name === 'string' && typeof (arg as JobArg).ref.kind === 'string';
const isEventArg = (arg: unknown): arg is { seq: number } => !!arg && typeof arg === 'object' && typeof (arg as { seq: unknown }).seq === 'number';

/** The job a command acts on; `offer` narrows what the pick offers (e.g. jobs still running, for Cancel), `noneFits` says why none is offered. */
export async function resolveJob(
  deps: JobCommandDeps,
  arg: JobCommandArg,
  placeHolder: string,
  offer: (job: TrackedJob) => boolean = () => true,
  noneFits = vscode.l10n.t('No job in the Jobs view fits: Refresh Jobs shows their states.'),
): Promise<ResolvedJob> {
  if (isJobArg(arg)) return { ref: { kind: arg.ref.kind, name: arg.ref.name } };
  if (isEventArg(arg)) return resolveEvent(deps, arg.seq);
  const jobs = deps.tracker.jobs.list().filter(offer);
  if (jobs.length === 0)
    throw new NoJobError(
      deps.tracker.jobs.list().length === 0
        ? vscode.l10n.t('There are no jobs yet: start one with "Start Batch Job…", or open a job from its event.')
        : noneFits,
    );
  const items = jobs.map((j) => ({
    label: j.summary.displayName && j.summary.displayName !== j.summary.name ? j.summary.displayName : j.summary.name,
    description: `${KIND_LABELS[j.summary.kind]} · ${j.gone ? vscode.l10n.t('gone') : stateLabel(j.summary)}`,
    detail: j.summary.name,
    ref: { kind: j.summary.kind, name: j.summary.name },
  }));
  const picked = await deps.ui.current.pick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return { ref: picked.ref };
}

/** An event by seq, with its envelope and the job reference it holds; throws NoJobError when it names none. */
export function readEvent(deps: Pick<JobCommandDeps, 'events'>, seq: number): NonNullable<ResolvedJob['event']> {
  const record = deps.events.get(seq);
  if (!record) throw new NoJobError(vscode.l10n.t('Event #{0} is no longer in the history.', seq));
  const envelope = record.verdict === 'rejected' ? undefined : deliveryEnvelope(record);
  if (!envelope)
    throw new NoJobError(
      record.verdict === 'rejected'
        ? vscode.l10n.t('Event #{0} was rejected: a forged or tampered delivery points at no job.', seq)
        : vscode.l10n.t('Event #{0} has no readable event body, so it names no job.', seq),
    );
  const ref = eventJobRef(envelope);
  if (!ref)
    throw new NoJobError(
      vscode.l10n.t(
        'Event #{0} ({1}) names no job: batch and interaction events name theirs in data.id, video events the file they made.',
        seq,
        record.eventType ?? vscode.l10n.t('(no event type)'),
      ),
    );
  return { record, envelope, ref };
}

async function resolveEvent(deps: JobCommandDeps, seq: number): Promise<ResolvedJob> {
  const event = readEvent(deps, seq);
  const { ref, record } = event;
  const job = await deps.tracker.jobOfEvent(ref);
  if (!job) {
    const file = ref.kind === 'video' ? (ref.fileId ?? ref.videoUri ?? '') : '';
    throw new NoJobError(
      vscode.l10n.t(
        'Event #{0} ({1}) names only the file it made ({2}), not its video operation, and the API has no call from a file to the operation: only a video generation started from this editor is found. "Open Results" says how to download the video.',
        seq,
        record.eventType ?? '',
        file,
      ),
    );
  }
  return { ref: { kind: job.summary.kind, name: job.summary.name }, event };
}

/** Runs a command's body; when it has no job to act on (NoJobError), that is a warning with the reason, not an error. */
export async function warnOnNoJob<T>(deps: Pick<JobCommandDeps, 'ui'>, body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof NoJobError)) throw error;
    void deps.ui.current.warn(error.message);
    return undefined;
  }
}
