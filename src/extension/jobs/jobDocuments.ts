/**
 * Read-only job documents: a job's status as the API answered it (`gemini-job:/batch/batches/<id>.json`,
 * like the webhook details documents) and a batch's results file (`gemini-job:/results/batches/<id>.jsonl`).
 * The commands fetch first (so a failure is shown as an error, never as a document) and hand the text
 * here; a status document opened again later (after a reload) is read afresh.
 */
import * as vscode from 'vscode';
import { JOB_KINDS, JobKind, JobRef } from '../../core/jobs';
import { redact } from '../../core/util/redact';
import { Disposable } from '../platform/disposable';
import { JOB_SCHEME } from '../platform/ids';
import { JobTracker } from './jobTracker';

export function statusUri(ref: JobRef): vscode.Uri {
  return vscode.Uri.from({ scheme: JOB_SCHEME, path: `/${ref.kind}/${ref.name}.json` });
}

export function resultsUri(ref: JobRef): vscode.Uri {
  return vscode.Uri.from({ scheme: JOB_SCHEME, path: `/results/${ref.name}.jsonl` });
}

/** The job a status document is about, or undefined for a results document. */
function statusRefOf(uri: vscode.Uri): JobRef | undefined {
  const m = /^\/([a-z]+)\/(.+)\.json$/.exec(uri.path);
  if (!m || !JOB_KINDS.includes(m[1] as JobKind)) return undefined;
  return { kind: m[1] as JobKind, name: m[2] };
}

export class JobDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  private readonly texts = new Map<string, string>();

  constructor(private readonly tracker: JobTracker) {
    super();
    this.register(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === JOB_SCHEME) this.texts.delete(doc.uri.toString());
      }),
    );
  }

  /** Sets a document's text (fetched by a command) and tells an open editor to show it. */
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const text = this.texts.get(uri.toString());
    if (text !== undefined) return text;
    const ref = statusRefOf(uri);
    if (!ref) return vscode.l10n.t('The results are no longer loaded: run "Open Results" on the job again.');
    try {
      const { answer } = await this.tracker.fetch(ref);
      return `${JSON.stringify(answer, null, 2)}\n`;
    } catch (error) {
      return `${JSON.stringify({ error: vscode.l10n.t('Could not load {0}: {1}', ref.name, redact(error instanceof Error ? error.message : String(error))) }, null, 2)}\n`;
    }
  }
}

/** Opens a job document read-only, in `language` when the editor knows it. */
export async function showJobDocument(uri: vscode.Uri, language: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const known = await vscode.languages.getLanguages();
  const wanted = known.includes(language) ? language : language === 'jsonl' ? 'plaintext' : language;
  if (doc.languageId !== wanted) await vscode.languages.setTextDocumentLanguage(doc, wanted);
  return vscode.window.showTextDocument(doc, { preview: true });
}
