/** The editor's words for where the receiver's public URL came from (the core's PublicUrlSource), shared by every feature that shows one. */
import * as vscode from 'vscode';
import type { PublicUrlSource } from '../../core/tunnel/publicUrl';
import { SETTINGS } from './ids';

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
