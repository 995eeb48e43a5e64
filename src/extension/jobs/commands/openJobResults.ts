/**
 * Open Results: a succeeded batch's output. From a batch.succeeded event its `output_file_uri`; from
 * a row, the batch's own answer (a results file, or inline responses shown one JSON line each). A file
 * the backend serves (the emulator's results, a Files API name on the Gemini API) opens as a read-only
 * document; any other pointer (a `gs://` URI, another host) is shown with the command that fetches it.
 * A video event's file is never fetched as text: its download command is shown.
 */
import * as vscode from 'vscode';
import { NotDownloadableError } from '../../../core/api';
import { JobRef, eventOutputPointer, inlineResultsJsonl, stateLabel } from '../../../core/jobs';
import { withCancellableProgress } from '../../platform/progress';
import { KIND_LABELS, jobError } from '../jobErrors';
import { otherBackend } from '../jobTracker';
import { JobCommandArg, JobCommandDeps, readEvent, resolveJob, warnOnNoJob } from './deps';
import { ResultsOutcome, showAdvice, showResults } from './results';

const isEventArg = (arg: unknown): arg is { seq: number } => !!arg && typeof arg === 'object' && typeof (arg as { seq: unknown }).seq === 'number';

export function openJobResults(deps: JobCommandDeps) {
  return (arg?: JobCommandArg): Promise<ResultsOutcome | undefined> =>
    warnOnNoJob(deps, async () => {
      let ref: JobRef;
      let pointer: string | undefined;
      if (isEventArg(arg)) {
        const event = readEvent(deps, arg.seq);
        pointer = eventOutputPointer(event.envelope);
        if (event.ref.kind === 'video') {
          if (!pointer) throw new Error(vscode.l10n.t('Event #{0} names no video URI.', arg.seq));
          return showAdvice(deps, undefined, pointer, true);
        }
        if (event.ref.kind === 'interaction' || event.record.eventType !== 'batch.succeeded') {
          void deps.ui.current.warn(
            event.ref.kind === 'interaction'
              ? vscode.l10n.t("An interaction's outputs are part of the interaction itself: Open Job shows them.")
              : vscode.l10n.t('Event #{0} is {1}: only a batch.succeeded event points at results.', arg.seq, event.record.eventType ?? ''),
          );
          return undefined;
        }
        ref = { kind: 'batch', name: event.ref.name };
        deps.tracker.jobs.ensure(ref, deps.backend.kind);
      } else {
        ref = (
          await resolveJob(
            deps,
            arg,
            vscode.l10n.t('Pick the batch whose results to open'),
            (j) => j.summary.kind === 'batch' && !j.gone,
            vscode.l10n.t('No batch in the Jobs view: Open Results opens a batch’s output. Start one with "Start Batch Job…".'),
          )
        ).ref;
      }
      const elsewhere = otherBackend(deps.tracker.jobs.get(ref), deps.backend.kind);
      if (elsewhere) {
        void deps.ui.current.warn(elsewhere);
        return undefined;
      }

      if (!pointer) {
        const { job, answer } = await withCancellableProgress(vscode.l10n.t('Reading {0} {1}…', KIND_LABELS[ref.kind], ref.name), (signal) =>
          deps.tracker.fetch(ref, signal),
        );
        if (ref.kind !== 'batch' || job.summary.state !== 'BATCH_STATE_SUCCEEDED') {
          void deps.ui.current.warn(
            vscode.l10n.t('{0} {1} is {2}: only a succeeded batch has results.', KIND_LABELS[ref.kind], ref.name, stateLabel(job.summary)),
          );
          return undefined;
        }
        const inline = inlineResultsJsonl(answer);
        if (inline !== undefined) return showResults(deps, ref, inline, false);
        pointer = job.summary.output?.kind === 'file' ? job.summary.output.pointer : undefined;
        if (!pointer) throw new Error(vscode.l10n.t('Batch {0} succeeded, but its answer names no results (no responsesFile, no inline responses).', ref.name));
      }

      const client = await deps.backend.jobsClient();
      const target = pointer;
      try {
        client.downloadPath(target);
      } catch (error) {
        if (error instanceof NotDownloadableError) return showAdvice(deps, ref, target);
        throw error;
      }
      const file = await withCancellableProgress(vscode.l10n.t('Downloading the results of {0}…', ref.name), (signal) =>
        client.downloadFile(target, { signal }).catch((error: unknown) => {
          throw jobError('batch', 'read', error);
        }),
      );
      return showResults(deps, ref, file.text, file.truncated);
    });
}
