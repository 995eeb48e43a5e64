/** What every Start command does once the API answered: record the job (with what the request said), and say where its event goes. */
import * as vscode from 'vscode';
import { JobWebhookConfig } from '../../../core/api';
import { JobRef, JobSummary, mergeSummary } from '../../../core/jobs';
import { COMMANDS } from '../../platform/ids';
import { KIND_LABELS } from '../jobErrors';
import { JobCommandDeps } from './deps';

export interface StartResult {
  readonly ref: JobRef;
}

export function recordStarted(
  deps: JobCommandDeps,
  known: Omit<JobSummary, 'ended'>,
  answer: JobSummary,
  config: JobWebhookConfig | undefined,
  what: string,
): StartResult {
  const summary = mergeSummary(
    {
      ...known,
      ended: false,
      ...(config ? { webhookUris: config.uris, ...(config.user_metadata ? { userMetadata: config.user_metadata } : {}) } : {}),
    },
    answer,
  );
  const job = deps.tracker.started(summary);
  const ref = { kind: job.summary.kind, name: job.summary.name };
  const target = config ? config.uris.join(', ') : vscode.l10n.t('the registered webhooks');
  deps.log.info(`jobs: started ${ref.kind} ${ref.name} (${what}); its event goes to ${config ? config.uris.join(', ') : 'the registered webhooks'}`);
  const open = vscode.l10n.t('Open Job');
  void deps.ui.current
    .info(vscode.l10n.t('Started {0} {1} ({2}). Its event goes to {3} when it ends.', KIND_LABELS[ref.kind].toLowerCase(), ref.name, what, target), open)
    .then((choice) => choice === open && vscode.commands.executeCommand(COMMANDS.openJob, { ref }))
    .then(undefined, () => undefined);
  return { ref };
}
