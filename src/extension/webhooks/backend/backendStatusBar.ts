/** A status bar item naming the live backend; clicking it offers to switch. */
import * as vscode from 'vscode';
import { BackendService } from './backendService';
import { Disposable } from '../../platform/disposable';
import { COMMANDS, STATUS_BAR_ITEMS } from '../../platform/ids';


export class BackendStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem(STATUS_BAR_ITEMS.backend, vscode.StatusBarAlignment.Left, 50));

  constructor(private readonly backend: BackendService) {
    super();
    this.item.name = 'Gemini Webhooks backend';
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
      this.item.text = port ? `$(server-environment) Emulator :${port}` : '$(server-environment) Emulator (starting…)';
      this.item.tooltip = url ? `Webhooks come from the local emulator at ${url}. Click to switch.` : 'The local emulator is starting. Click to switch.';
    } else {
      this.item.text = '$(cloud) Gemini API';
      this.item.tooltip = 'Webhooks come from the Gemini API. Click to switch.';
    }
  }
}
