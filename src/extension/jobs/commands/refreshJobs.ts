/** Refresh Jobs: re-reads every listed job of the live backend (4 at a time); a 404 marks a row gone. */
import * as vscode from 'vscode';
import { withCancellableProgress } from '../../platform/progress';
import { JobCommandDeps } from './deps';

export function refreshJobs(deps: JobCommandDeps) {
  return async (): Promise<{ read: number; failed: number }> => {
    const result = await withCancellableProgress(vscode.l10n.t('Refreshing jobs…'), (signal) => deps.tracker.refreshAll(signal));
    if (result.failed > 0)
      void deps.ui.current.warn(
        vscode.l10n.t('{0} of {1} jobs could not be read: their rows say why (gone, or the last check failed).', result.failed, result.read + result.failed),
      );
    return result;
  };
}
