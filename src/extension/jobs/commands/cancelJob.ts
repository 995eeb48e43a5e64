/** Cancel Job: asks first (a modal naming the verb), cancels a running batch or background interaction, then re-reads it. */
import * as vscode from 'vscode';
import { withCancellableProgress } from '../../platform/progress';
import { KIND_LABELS, onJob } from '../jobErrors';
import { otherBackend } from '../jobTracker';
import { jobTitle } from '../tree/jobNodes';
import { JobCommandArg, JobCommandDeps, resolveJob, warnOnNoJob } from './deps';

export function cancelJob(deps: JobCommandDeps) {
  return (arg?: JobCommandArg): Promise<boolean | undefined> =>
    warnOnNoJob(deps, async () => {
      const { ref } = await resolveJob(
        deps,
        arg,
        vscode.l10n.t('Pick the job to cancel'),
        (j) => j.summary.kind !== 'video' && !j.summary.ended && !j.gone && j.backend === deps.backend.kind,
        vscode.l10n.t(
          'No batch or background interaction in the Jobs view is still running: there is nothing to cancel. Refresh Jobs shows their latest states.',
        ),
      );
      if (ref.kind === 'video') {
        void deps.ui.current.warn(vscode.l10n.t('Cancel Job covers batches and background interactions; a video generation operation runs to its end.'));
        return false;
      }
      const elsewhere = otherBackend(deps.tracker.jobs.get(ref), deps.backend.kind);
      if (elsewhere) {
        void deps.ui.current.warn(elsewhere);
        return false;
      }
      const verb = vscode.l10n.t('Cancel Job');
      const title = jobTitle(deps.tracker.jobs.get(ref)?.summary ?? ref);
      await deps.ui.current.confirm(
        vscode.l10n.t('Cancel {0} "{1}"?', KIND_LABELS[ref.kind].toLowerCase(), title),
        vscode.l10n.t('It stops, and its {0} event goes to its webhook targets.', ref.kind === 'batch' ? 'batch.cancelled' : 'interaction.cancelled'),
        verb,
        vscode.l10n.t('Keep Running'),
      );
      const client = await deps.backend.jobsClient();
      await withCancellableProgress(vscode.l10n.t('Cancelling {0}…', title), (signal) =>
        onJob(ref, 'cancel', async () => {
          if (ref.kind === 'batch') await client.cancelBatch(ref.name, { signal });
          else await client.cancelInteraction(ref.name, { signal });
        }),
      );
      await deps.tracker.fetch(ref).catch(() => undefined);
      void deps.ui.current.info(vscode.l10n.t('Cancelled {0} "{1}".', KIND_LABELS[ref.kind].toLowerCase(), title));
      return true;
    });
}
