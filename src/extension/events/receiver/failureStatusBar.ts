/**
 * While a failure rehearsal is on: "$(debug-disconnect) Failing next 3: 500" beside the receiver's
 * item, on a warning background; a click stops it. Hidden otherwise.
 */
import * as vscode from 'vscode';
import { Disposable } from '../../platform/disposable';
import { COMMANDS, STATUS_BAR_ITEMS } from '../../platform/ids';
import { FailureRehearsal, planLabel } from './failureRehearsal';

export class FailureStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem(STATUS_BAR_ITEMS.receiverFailures, vscode.StatusBarAlignment.Left, 48));

  constructor(private readonly rehearsal: FailureRehearsal) {
    super();
    this.item.name = vscode.l10n.t('Gemini Webhooks receiver failures');
    this.item.command = COMMANDS.stopSimulatingReceiverFailures;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.register(rehearsal.onDidChange(() => this.update()));
    this.update();
  }

  /** Shown, and what it says (tests read them). */
  get visible(): boolean {
    return this.rehearsal.plan !== undefined;
  }

  get text(): string {
    return this.item.text;
  }

  get accessibilityLabel(): string {
    return this.item.accessibilityInformation?.label ?? '';
  }

  get command(): string | undefined {
    return typeof this.item.command === 'string' ? this.item.command : this.item.command?.command;
  }

  private update(): void {
    const plan = this.rehearsal.plan;
    if (!plan) {
      this.item.hide();
      return;
    }
    const label = planLabel(plan);
    this.item.text = `$(debug-disconnect) ${label}`;
    const explanation =
      plan.rehearsed === 0
        ? vscode.l10n.t('The receiver is simulating failures ({0}): no delivery rehearsed yet. Click to stop and answer deliveries as usual.', plan.spec.text)
        : plan.rehearsed === 1
          ? vscode.l10n.t(
              'The receiver is simulating failures ({0}): 1 delivery rehearsed so far. Click to stop and answer deliveries as usual.',
              plan.spec.text,
            )
          : vscode.l10n.t(
              'The receiver is simulating failures ({0}): {1} deliveries rehearsed so far. Click to stop and answer deliveries as usual.',
              plan.spec.text,
              plan.rehearsed,
            );
    this.item.tooltip = explanation;
    // Plain words, no icon markup, for screen readers.
    this.item.accessibilityInformation = { label: `${label}. ${explanation}` };
    this.item.show();
  }
}
