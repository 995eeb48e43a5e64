/**
 * Start Batch Job…: the requests (prompts typed in, or a JSONL input file from the workspace, read
 * and sent inline — a broken line stops it with its line number, and nothing is sent), the model,
 * and where its event goes (the receiver as a dynamic webhook, or the registered webhooks).
 */
import * as vscode from 'vscode';
import { InlinedRequest } from '../../../core/api';
import { BatchInputError, PROMPT_SEPARATOR, parseBatchJsonl, promptRequests, summarizeBatch } from '../../../core/jobs';
import { withCancellableProgress } from '../../platform/progress';
import type { PromptFlow } from '../../platform/userInterface';
import { BatchFileError, jobError } from '../jobErrors';
import { JobCommandDeps } from './deps';
import { StartArgs, askDelivery, askModel } from './delivery';
import { StartResult, recordStarted } from './started';

export interface StartBatchArgs extends StartArgs {
  /** Prompts separated by `|` (skips the source question). */
  readonly prompts?: string;
  /** A JSONL input file: a path in the workspace or a URI string (skips the source question). */
  readonly file?: string;
  readonly displayName?: string;
}

const DEFAULT_MODEL = 'gemini-2.5-flash';

export function startBatchJob(deps: JobCommandDeps) {
  return async (args?: StartBatchArgs): Promise<StartResult> => {
    const flow = deps.ui.current.flow();
    try {
      const { requests, from } = await askRequests(deps, flow, args);
      const model = await askModel(flow, args, DEFAULT_MODEL);
      const config = await askDelivery(deps, flow, args);
      flow.busy();
      const count = requests.length === 1 ? '1 request' : `${requests.length} requests`;
      const displayName = args?.displayName ?? `${from} (${count}, from VS Code)`;
      const client = await deps.backend.jobsClient();
      const op = await withCancellableProgress(
        requests.length === 1 ? vscode.l10n.t('Starting a batch of 1 request…') : vscode.l10n.t('Starting a batch of {0} requests…', requests.length),
        (signal) =>
          client
            .createBatch(model, { batch: { displayName, inputConfig: { requests: { requests } }, ...(config ? { webhookConfig: config } : {}) } }, { signal })
            .catch((error: unknown) => {
              throw jobError('batch', 'start', error);
            }),
      );
      const answer = summarizeBatch(op);
      return recordStarted(
        deps,
        { kind: 'batch', name: answer.name, displayName, model: `models/${model.replace(/^models\//, '')}` },
        answer,
        config,
        requests.length === 1 ? vscode.l10n.t('1 request') : vscode.l10n.t('{0} requests', requests.length),
      );
    } finally {
      flow.close();
    }
  };
}

async function askRequests(deps: JobCommandDeps, flow: PromptFlow, args: StartBatchArgs | undefined): Promise<{ requests: InlinedRequest[]; from: string }> {
  if (args?.prompts !== undefined) return { requests: promptRequests(args.prompts), from: 'Typed prompts' };
  if (args?.file !== undefined) return readFile(deps, toUri(args.file));
  const typed = vscode.l10n.t('Type the prompts');
  const file = vscode.l10n.t('A JSONL file from the workspace');
  const source = await flow.pick(
    [
      { label: typed, description: vscode.l10n.t('separated by {0}', PROMPT_SEPARATOR) },
      { label: file, description: vscode.l10n.t('one request per line: {"key": …, "request": {"contents": […]}}') },
    ],
    { title: vscode.l10n.t('Start Batch Job'), placeHolder: vscode.l10n.t('Where do the requests come from?') },
  );
  if (source.label === typed) {
    const text = await flow.input({
      title: vscode.l10n.t('Start Batch Job'),
      prompt: vscode.l10n.t('The prompts, one request each, separated by {0}', PROMPT_SEPARATOR),
      placeHolder: vscode.l10n.t('Summarize the plot of Hamlet | Translate "good morning" into French'),
      validateInput: (v) => {
        try {
          promptRequests(v);
          return undefined;
        } catch (error) {
          return error instanceof BatchInputError ? error.message : String(error);
        }
      },
    });
    return { requests: promptRequests(text), from: 'Typed prompts' };
  }
  return readFile(deps, await pickJsonl(deps, flow));
}

async function pickJsonl(deps: JobCommandDeps, flow: PromptFlow): Promise<vscode.Uri> {
  const found = await vscode.workspace.findFiles('**/*.jsonl', '**/node_modules/**', 200);
  const browse = vscode.l10n.t('Browse…');
  const items = [
    ...found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri: uri as vscode.Uri | undefined })).sort((a, b) => a.label.localeCompare(b.label)),
    { label: browse, description: vscode.l10n.t('a file outside the workspace'), uri: undefined },
  ];
  const picked = await flow.pick(items, { title: vscode.l10n.t('Start Batch Job'), placeHolder: vscode.l10n.t('Pick the JSONL batch input file') });
  if (picked.uri) return picked.uri;
  return deps.ui.current.openFile({ filters: { [vscode.l10n.t('JSON Lines')]: ['jsonl'] }, openLabel: vscode.l10n.t('Use as Batch Input') });
}

/** Reads and parses the file before anything is sent: a broken line is a BatchFileError naming it. */
async function readFile(deps: JobCommandDeps, uri: vscode.Uri): Promise<{ requests: InlinedRequest[]; from: string }> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  try {
    const requests = parseBatchJsonl(new TextDecoder('utf-8').decode(bytes));
    return { requests, from: uri.path.split('/').pop() ?? 'JSONL file' };
  } catch (error) {
    if (error instanceof BatchInputError) {
      deps.log.warn(`jobs: ${uri.toString(true)} was not sent: ${error.message}`);
      throw new BatchFileError(uri, error);
    }
    throw error;
  }
}

function toUri(file: string): vscode.Uri {
  if (/^[a-z][\w+.-]*:\/\//i.test(file)) return vscode.Uri.parse(file);
  if (file.startsWith('/')) return vscode.Uri.file(file);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error(vscode.l10n.t('Open a folder to start a batch from a file in it.'));
  return vscode.Uri.joinPath(folder.uri, file);
}
