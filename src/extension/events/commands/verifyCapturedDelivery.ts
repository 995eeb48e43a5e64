/**
 * Verify Captured Delivery…: reads a captured request — a file (an exported .jsonl, a saved raw
 * request, a curl command), the clipboard, or the active editor's selection or text — verifies it
 * with the receiver's own secrets, key set and audience (running or not), as of now or as of its own
 * webhook-timestamp, and adds it to the inspector's feed marked as imported.
 */
import * as vscode from 'vscode';
import type { CaptureVerification } from '../../../core/capture';
import { describeAge } from '../../../core/capture/captureLine';
import { MAX_CAPTURE_BYTES } from '../../../core/capture/types';
import { EventCommandDeps } from './deps';

const SHOW_IN_INSPECTOR = vscode.l10n.t('Show in Inspector');
/** Beyond this many captures in one input, the command asks before importing them. */
const MANY = 20;

/** What the command resolves to (tests read it): the imported records' seqs and verdicts, in capture order. */
export interface VerifyCaptureResult {
  readonly seqs: readonly number[];
  readonly valid: readonly boolean[];
}

interface Source {
  /** Where it came from, for the inspector's "Imported from …". */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export function verifyCapturedDelivery(deps: EventCommandDeps) {
  return async (): Promise<VerifyCaptureResult> => {
    const ui = deps.ui.current;
    const source = await readSource(deps);
    // Parsing and verification (with jose and standardwebhooks) are a bundle of their own, dist/capture.js, loaded here.
    const { AT_WEBHOOK_TIMESTAMP, CaptureVerifier, formatCaptureLine, importedDelivery, parseCapture } = await import('../../../core/capture/index.js');
    const parsed = parseCapture(source.bytes);
    if (!parsed.ok) throw new Error(vscode.l10n.t('{0} is not a captured delivery this command can read: {1}', source.name, parsed.reason));
    // A whole exported history would push the receiver's own events out of the bounded history: ask first.
    if (parsed.captures.length > MANY)
      await ui.confirm(
        vscode.l10n.t('Verify and import {0} captured deliveries?', parsed.captures.length),
        vscode.l10n.t('They are added to the inspector marked imported; it keeps the newest {0} events, so older ones make room.', deps.feed.capacity),
        vscode.l10n.t('Verify and Import'),
      );

    const asOf = await ui.pick(
      [
        {
          label: vscode.l10n.t('Verify as of now'),
          description: vscode.l10n.t('as the receiver would now: an old capture fails its timestamp check'),
          at: undefined,
        },
        {
          label: vscode.l10n.t('Verify at its own timestamp (webhook-timestamp)'),
          description: vscode.l10n.t('checks the signature alone, however old the capture is'),
          at: AT_WEBHOOK_TIMESTAMP as typeof AT_WEBHOOK_TIMESTAMP,
        },
      ],
      { placeHolder: vscode.l10n.t('As of when should the capture be verified?') },
    );

    const verifier = new CaptureVerifier({ ...(await deps.receiver.verificationOptions()), ...(asOf.at ? { at: asOf.at } : {}) });
    const results: CaptureVerification[] = [];
    const seqs: number[] = [];
    for (const capture of parsed.captures) {
      const result = await verifier.verify(capture);
      const record = await deps.receiver.importDelivery((seq) => importedDelivery(result, { seq, from: `${source.name} (${capture.source})` }));
      const line = `Imported #${record.seq} from ${source.name}: ${formatCaptureLine(result)}`;
      if (result.valid) deps.log.info(line);
      else deps.log.warn(line);
      results.push(result);
      seqs.push(record.seq);
    }
    notify(deps, results, seqs);
    return { seqs, valid: results.map((r) => r.valid) };
  };
}

async function readSource(deps: EventCommandDeps): Promise<Source> {
  const ui = deps.ui.current;
  const editor = vscode.window.activeTextEditor;
  type Item = vscode.QuickPickItem & { readonly id: 'file' | 'clipboard' | 'editor' };
  const items: Item[] = [
    { id: 'file', label: vscode.l10n.t('$(file) From a file…'), description: vscode.l10n.t('an exported .jsonl, a saved raw request or curl command') },
    {
      id: 'clipboard',
      label: vscode.l10n.t('$(clippy) From the clipboard'),
      description: vscode.l10n.t('a raw HTTP request, curl -v output, an exported record or a curl command'),
    },
  ];
  if (editor) {
    const name = editor.document.isUntitled ? vscode.l10n.t('untitled editor') : vscode.workspace.asRelativePath(editor.document.uri);
    items.push({
      id: 'editor',
      label: vscode.l10n.t('$(selection) From the active editor'),
      description: editor.selection.isEmpty ? vscode.l10n.t('all of {0}', name) : vscode.l10n.t('the selection in {0}', name),
    });
  }
  const picked = await ui.pick(items, { placeHolder: vscode.l10n.t('Where is the captured delivery?') });
  switch (picked.id) {
    case 'file': {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = await ui.openFile({
        title: vscode.l10n.t('Verify Captured Delivery'),
        openLabel: vscode.l10n.t('Verify'),
        filters: { [vscode.l10n.t('Captures')]: ['jsonl', 'json', 'http', 'txt', 'log', 'sh'], [vscode.l10n.t('All files')]: ['*'] },
        ...(folder ? { defaultUri: folder } : {}),
      });
      const size = (await vscode.workspace.fs.stat(uri)).size;
      if (size > MAX_CAPTURE_BYTES)
        throw new Error(
          vscode.l10n.t('{0} is {1} MB: a capture may be at most {2} MB.', basename(uri), (size / (1024 * 1024)).toFixed(1), MAX_CAPTURE_BYTES / (1024 * 1024)),
        );
      return { name: basename(uri), bytes: await vscode.workspace.fs.readFile(uri) };
    }
    case 'clipboard': {
      const text = await deps.clipboard.readText();
      if (text.trim() === '') throw new Error(vscode.l10n.t('The clipboard is empty: copy the captured request first.'));
      return { name: vscode.l10n.t('the clipboard'), bytes: Buffer.from(text, 'utf8') };
    }
    case 'editor': {
      const active = vscode.window.activeTextEditor ?? editor;
      if (!active) throw new Error(vscode.l10n.t('No editor is active.'));
      const text = active.selection.isEmpty ? active.document.getText() : active.document.getText(active.selection);
      const name = active.document.isUntitled ? vscode.l10n.t('untitled editor') : basename(active.document.uri);
      return { name, bytes: Buffer.from(text, 'utf8') };
    }
  }
}

/** One notification: the verdict (or the counts), the reason, and Show in Inspector. */
function notify(deps: EventCommandDeps, results: readonly CaptureVerification[], seqs: readonly number[]): void {
  const ui = deps.ui.current;
  const invalid = results.filter((r) => !r.valid).length;
  let message: string;
  if (results.length === 1) {
    const r = results[0];
    const method = r.verdict.signatureMethod ?? r.verdict.scheme;
    message = r.valid
      ? vscode.l10n.t('Valid ({0}, {1}): imported as #{2}; {3}.', method, r.matched ?? vscode.l10n.t('verified'), seqs[0], describeAge(r))
      : vscode.l10n.t('Invalid: {0}. Imported as #{1}; {2}.', r.reason ?? '', seqs[0], describeAge(r));
    if (!r.valid && r.checkedAs === 'now' && !r.verdict.ok && (r.verdict.code === 'timestamp_too_old' || r.verdict.code === 'timestamp_too_new'))
      message += ' ' + vscode.l10n.t('Verify at its own timestamp to check the signature alone.');
  } else {
    message = vscode.l10n.t(
      '{0} captured deliveries: {1} valid, {2} invalid. Imported as #{3}–#{4}.',
      results.length,
      results.length - invalid,
      invalid,
      seqs[0],
      seqs[seqs.length - 1],
    );
  }
  // The first invalid one is the one to look at.
  const focus =
    seqs[
      Math.max(
        0,
        results.findIndex((r) => !r.valid),
      )
    ];
  void (invalid === 0 ? ui.info(message, SHOW_IN_INSPECTOR) : ui.warn(message, SHOW_IN_INSPECTOR))
    .then((choice) => choice === SHOW_IN_INSPECTOR && deps.inspector.show(focus))
    .then(undefined, (error: unknown) => deps.log.error(`Could not open the inspector: ${error instanceof Error ? error.message : String(error)}`));
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString(true);
}
