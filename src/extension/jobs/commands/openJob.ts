/** Open Job: reads the job (a row's, an event's, or one picked) and shows its status as read-only JSON. */
import * as vscode from 'vscode';
import { withCancellableProgress } from '../../platform/progress';
import { showJobDocument, statusUri } from '../jobDocuments';
import { KIND_LABELS } from '../jobErrors';
import { otherBackend } from '../jobTracker';
import { JobCommandArg, JobCommandDeps, resolveJob, warnOnNoJob } from './deps';

export function openJob(deps: JobCommandDeps) {
  return (arg?: JobCommandArg): Promise<vscode.TextEditor | undefined> =>
    warnOnNoJob(deps, async () => {
      const { ref } = await resolveJob(deps, arg, vscode.l10n.t('Pick the job to open'));
      const elsewhere = otherBackend(deps.tracker.jobs.get(ref), deps.backend.kind);
      if (elsewhere) {
        void deps.ui.current.warn(elsewhere);
        return undefined;
      }
      const { answer } = await withCancellableProgress(vscode.l10n.t('Reading {0} {1}…', KIND_LABELS[ref.kind], ref.name), (signal) =>
        deps.tracker.fetch(ref, signal),
      );
      const uri = statusUri(ref);
      deps.documents.set(uri, `${JSON.stringify(answer, null, 2)}\n`);
      return showJobDocument(uri, 'json');
    });
}
