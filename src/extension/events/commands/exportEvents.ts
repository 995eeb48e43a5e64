/** Export Events: writes the history as JSON lines (oldest first) to a file the user picks. */
import * as vscode from 'vscode';
import { toJsonLines } from '../../../core/receiver/history';
import { EventCommandDeps } from './deps';

export function exportEvents(deps: EventCommandDeps) {
  return async (): Promise<vscode.Uri | undefined> => {
    const records = deps.feed.records();
    if (records.length === 0) {
      await deps.ui.current.info(vscode.l10n.t('There are no events to export.'));
      return undefined;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await deps.ui.current.saveFile({
      title: vscode.l10n.t('Export Events'),
      saveLabel: vscode.l10n.t('Export'),
      filters: { [vscode.l10n.t('JSON Lines')]: ['jsonl'], JSON: ['json'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'webhook-events.jsonl') } : {}),
    });
    await vscode.workspace.fs.writeFile(uri, Buffer.from(toJsonLines(records), 'utf8'));
    deps.log.info(`Exported ${records.length} events to ${uri.toString(true)}.`);
    void deps.ui.current.info(records.length === 1 ? vscode.l10n.t('Exported 1 event.') : vscode.l10n.t('Exported {0} events.', records.length));
    return uri;
  };
}
