/**
 * Copy Receiver URL: the local address (in a remote window: as VS Code forwards it to the browser)
 * and, when one is found and differs, the public address the Gemini API can deliver to — a quick pick
 * of both, each saying where it came from; with only one, it is copied at once.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../platform/ids';
import { publicUrlSettingProblem, publicUrlSourceLabel } from '../../platform/publicUrlSource';
import { EventCommandDeps } from './deps';

export function copyReceiverUrl({ receiver: service, ui, clipboard }: EventCommandDeps) {
  return async (): Promise<string | undefined> => {
    const urls = await service.publicUrl.resolve();
    if (!urls) {
      // An expected refusal: a warning with the next step, which copies the URL once the receiver listens.
      const start = vscode.l10n.t('Start Receiver');
      if ((await ui.current.warn(vscode.l10n.t('The receiver is not running: start it, then copy its URL.'), start)) !== start) return undefined;
      await vscode.commands.executeCommand(COMMANDS.startReceiver);
      return service.running ? vscode.commands.executeCommand<string | undefined>(COMMANDS.copyReceiverUrl) : undefined;
    }
    const problem = publicUrlSettingProblem(urls);
    if (problem) void ui.current.warn(problem);
    const local = {
      label: urls.forwarded && urls.forwarded !== urls.public?.url ? urls.forwarded : urls.local,
      description: urls.forwarded && urls.forwarded !== urls.public?.url ? vscode.l10n.t("local, through VS Code's forwarded port") : vscode.l10n.t('local'),
      detail: vscode.l10n.t('For senders on this machine, such as the emulator.'),
    };
    const items = [local];
    if (urls.public && urls.public.url !== local.label)
      items.push({
        label: urls.public.url,
        description: vscode.l10n.t('public: {0}', publicUrlSourceLabel(urls.public.source)),
        detail: vscode.l10n.t('For the Gemini API and other senders on the internet.'),
      });
    const text =
      items.length === 1
        ? items[0].label
        : (await ui.current.pick(items, { placeHolder: vscode.l10n.t('Which receiver URL to copy?'), matchOnDescription: true })).label;
    await clipboard.writeText(text);
    void ui.current.info(vscode.l10n.t('Copied {0}', text));
    return text;
  };
}
