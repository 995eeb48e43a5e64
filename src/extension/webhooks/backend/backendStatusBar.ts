/** A status bar item naming the live backend; clicking it offers to switch. */
import * as vscode from 'vscode';
import { BackendService } from './backendService';
import { Disposable } from '../../platform/disposable';
import { COMMANDS, STATUS_BAR_ITEMS } from '../../platform/ids';

export class BackendStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem(STATUS_BAR_ITEMS.backend, vscode.StatusBarAlignment.Left, 50));

  constructor(private readonly backend: BackendService) {
    super();
    this.item.name = vscode.l10n.t('Gemini Webhooks backend');
    this.item.command = COMMANDS.switchBackend;
    this.register(backend.onDidChange(() => this.update()));
    this.update();
    this.item.show();
  }

  /** What the item shows now (tests read it). */
  get text(): string {
    return this.item.text;
  }

  update(): void {
    const url = this.backend.emulatorUrl();
    if (this.backend.kind === 'emulator') {
      const port = url ? new URL(url).port : undefined;
      this.item.text = port
        ? `$(server-environment) ${vscode.l10n.t('Emulator :{0}', port)}`
        : `$(server-environment) ${vscode.l10n.t('Emulator (starting…)')}`;
      this.item.tooltip = url
        ? vscode.l10n.t('Webhooks come from the local emulator at {0}. Click to switch.', url)
        : vscode.l10n.t('The local emulator is starting. Click to switch.');
    } else {
      this.item.text = `$(cloud) ${vscode.l10n.t('Gemini API')}`;
      this.item.tooltip = vscode.l10n.t('Webhooks come from the Gemini API. Click to switch.');
    }
  }
}
