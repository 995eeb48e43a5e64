/**
 * The failure rehearsal of the in-editor receiver (Simulate Receiver Failures…): which plan answers
 * verified deliveries, the simulatingFailures context key, and log lines when it starts, ends (a
 * counted plan used up) or is stopped. Each rehearsed answer is logged by the receiver service's
 * delivery line ("[answered 500 (rehearsed)]"). Words for the status bar and the prompts: planLabel().
 */
import * as vscode from 'vscode';
import { FailureAnswer, FailurePlan } from '../../../core/receiver/failurePlan';
import { Disposable, DisposableStore } from '../../platform/disposable';
import { CONTEXT_KEYS } from '../../platform/ids';

/** What the rehearsal needs of the receiver service. */
export interface RehearsedReceiver {
  readonly failurePlan: FailurePlan | undefined;
  setFailurePlan(plan: FailurePlan | undefined): void;
}

export class FailureRehearsal extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Started, stopped, or a delivery was rehearsed (the count went down). */
  readonly onDidChange = this.changed.event;
  private readonly planSubscription = this.register(new DisposableStore());

  constructor(
    private readonly receiver: RehearsedReceiver,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    void setContext(false);
  }

  get plan(): FailurePlan | undefined {
    return this.receiver.failurePlan;
  }

  /** Verified deliveries are answered by `plan` from now on (replacing any plan in use). */
  start(plan: FailurePlan): void {
    this.planSubscription.clear();
    this.receiver.setFailurePlan(plan);
    this.planSubscription.add(
      plan.onDidChange(() => {
        if (plan.done && this.plan === plan) {
          this.clear();
          this.log.info(`Failure rehearsal over (${plan.spec.text}): deliveries are answered as usual again.`);
        } else this.changed.fire();
      }),
    );
    this.log.info(`Simulating receiver failures (${plan.spec.text}): ${plan.summary()}.`);
    void setContext(true);
    this.changed.fire();
  }

  /** Stops the rehearsal; false when none was on. */
  stop(): boolean {
    const plan = this.plan;
    if (!plan) return false;
    this.clear();
    this.log.info(`Stopped simulating receiver failures (${plan.spec.text}, ${plan.rehearsed} rehearsed): deliveries are answered as usual.`);
    return true;
  }

  private clear(): void {
    this.planSubscription.clear();
    this.receiver.setFailurePlan(undefined);
    void setContext(false);
    this.changed.fire();
  }
}

function setContext(on: boolean): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', CONTEXT_KEYS.simulatingFailures, on);
}

/** "500", "503 (Retry-After 5 s)", "timeout", "slow 5 s" in the person's language. */
export function answerLabel(answer: FailureAnswer): string {
  if (answer.kind === 'timeout') return vscode.l10n.t('timeout');
  if (answer.kind === 'slow') return vscode.l10n.t('slow {0} s', answer.delaySeconds);
  return answer.retryAfterSeconds !== undefined ? vscode.l10n.t('{0} (Retry-After {1} s)', answer.status, answer.retryAfterSeconds) : String(answer.status);
}

/** "Failing next 3: 500", "Failing next: timeout", "Failing 50%: 500". */
export function planLabel(plan: FailurePlan): string {
  const what = answerLabel(plan.spec.answer);
  const left = plan.remaining;
  if (left === undefined) return vscode.l10n.t('Failing {0}%: {1}', plan.spec.percent ?? 0, what);
  return left === 1 ? vscode.l10n.t('Failing next: {0}', what) : vscode.l10n.t('Failing next {0}: {1}', left, what);
}
