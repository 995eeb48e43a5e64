/** The editor's words for the receiver's public URL (the core's ReceiverUrls): where it came from, and a setting that is ignored. Shared by every feature that shows one. */
import * as vscode from 'vscode';
import type { PublicUrlSource, ReceiverUrls } from '../../core/tunnel/publicUrl';
import { SETTINGS } from './ids';
import { urlProblemMessage } from './urlProblem';

export function publicUrlSourceLabel(source: PublicUrlSource): string {
  switch (source) {
    case 'setting':
      return vscode.l10n.t('from the setting {0}', SETTINGS.receiverPublicUrl);
    case 'forwarded':
      return vscode.l10n.t("VS Code's forwarded port");
    case 'ngrok':
      return vscode.l10n.t('ngrok tunnel');
  }
}

/** A public URL setting that is set but unusable (so ignored): what is wrong and what to do; undefined when there is nothing to say. */
export function publicUrlSettingProblem(urls: ReceiverUrls | undefined): string | undefined {
  if (!urls?.settingProblem) return undefined;
  return vscode.l10n.t('The setting {0} is ignored. {1}', SETTINGS.receiverPublicUrl, urlProblemMessage(urls.settingProblem, 'https://abc.ngrok.app'));
}
