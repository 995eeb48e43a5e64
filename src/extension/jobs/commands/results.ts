/** The two ways Open Results ends: the content in a read-only document, or the pointer with what to run to fetch it. */
import * as vscode from 'vscode';
import { JobRef, resultsAdvice } from '../../../core/jobs';
import { showJobDocument, resultsUri } from '../jobDocuments';
import { KIND_LABELS } from '../jobErrors';
import { JobCommandDeps } from './deps';

export type ResultsOutcome =
  | { readonly shown: 'content'; readonly uri: string; readonly truncated: boolean }
  | { readonly shown: 'advice'; readonly pointer: string; readonly command: string };

export async function showResults(deps: JobCommandDeps, ref: JobRef, text: string, truncated: boolean): Promise<ResultsOutcome> {
  const uri = resultsUri(ref);
  deps.documents.set(uri, text);
  await showJobDocument(uri, 'jsonl');
  if (truncated) void deps.ui.current.warn(vscode.l10n.t('The results file is larger than 16 MiB: only its beginning is shown.'));
  return { shown: 'content', uri: uri.toString(), truncated };
}

/** The pointer and the command that fetches it, in a modal with Copy Command; `video` saves it as .mp4, not .jsonl. */
export async function showAdvice(deps: JobCommandDeps, ref: JobRef | undefined, pointer: string, video = false): Promise<ResultsOutcome> {
  const api = await deps.backend.api().catch(() => undefined);
  const advice = resultsAdvice(pointer, api?.baseUrl, api?.version, video ? '.mp4' : '.jsonl');
  const copy = vscode.l10n.t('Copy Command');
  const whose = ref
    ? vscode.l10n.t('The output of {0} {1}', KIND_LABELS[ref.kind], ref.name)
    : video
      ? vscode.l10n.t('The video')
      : vscode.l10n.t('The output');
  const choice = await deps.ui.current.modal(
    vscode.l10n.t('{0} is {1}, which this editor does not fetch: {2}', whose, advice.what, pointer),
    vscode.l10n.t('To fetch it, run (with GEMINI_API_KEY set where the API needs a key):\n\n{0}', advice.command),
    [copy],
    vscode.l10n.t('Close'),
  );
  if (choice === copy) await deps.clipboard.writeText(advice.command);
  return { shown: 'advice', pointer, command: advice.command };
}
