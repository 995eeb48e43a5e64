/**
 * Simulate Receiver Failures…: what the receiver answers verified deliveries instead of 200 — 500,
 * 503 with Retry-After, 410, a timeout, a slow success or another status —, for how many (a count or
 * a percentage), and the seconds where the kind needs them; one quick input. The answers make the
 * same spec as `listen --fail` (the core's grammar checks it), so both front ends rehearse alike.
 * With a spec as argument (a keybinding's `args`: "500:3") it asks nothing.
 */
import * as vscode from 'vscode';
import { FailurePlan, FailureSpecError, parseFailureSpec } from '../../../core/receiver/failurePlan';
import { COMMANDS } from '../../platform/ids';
import { planLabel } from '../receiver/failureRehearsal';
import { EventCommandDeps } from './deps';

interface Kind extends vscode.QuickPickItem {
  /** The spec for a status (or "timeout"/"slow"), a count or percentage ("3", "50%"), and seconds. */
  readonly spec: (status: string, how: string, seconds: string) => string;
  readonly defaultCount: string;
  readonly seconds?: { readonly prompt: string; readonly value: string };
  readonly askStatus?: true;
}

/** "3" → "…:3", "50%" → "50%:…": a count goes after the answer, a percentage before it. */
function withHow(answer: string, how: string, suffix = ''): string {
  return how.endsWith('%') ? `${how}:${answer}${suffix}` : `${answer}:${how}${suffix}`;
}

function kinds(): Kind[] {
  return [
    {
      label: vscode.l10n.t('500 Internal Server Error'),
      detail: vscode.l10n.t('The sender retries on its schedule: watch the delays grow.'),
      spec: (_s, how) => withHow('500', how),
      defaultCount: '3',
    },
    {
      label: vscode.l10n.t('503 Service Unavailable with Retry-After'),
      detail: vscode.l10n.t('The sender waits at least Retry-After before its next attempt.'),
      spec: (_s, how, seconds) => withHow('503', how, `:retry-after=${seconds}`),
      defaultCount: '2',
      seconds: { prompt: vscode.l10n.t('Retry-After, in whole seconds (0 to 86400)'), value: '5' },
    },
    {
      label: vscode.l10n.t('410 Gone'),
      detail: vscode.l10n.t('The sender stops retrying and disables the webhook (disabled_due_to_failed_deliveries).'),
      spec: (_s, how) => withHow('410', how),
      defaultCount: '1',
    },
    {
      label: vscode.l10n.t('Timeout (no answer)'),
      detail: vscode.l10n.t('The request is held unanswered until the sender gives up (at most 60 s), then closed.'),
      spec: (_s, how) => withHow('timeout', how),
      defaultCount: '1',
    },
    {
      label: vscode.l10n.t('Slow success'),
      detail: vscode.l10n.t('The usual answer, late: past the sender’s deadline it counts as a timeout, and the retry arrives as a duplicate.'),
      spec: (_s, how, seconds) => withHow(`slow:${seconds}`, how),
      defaultCount: '1',
      seconds: { prompt: vscode.l10n.t('Seconds before answering (0.1 to 60)'), value: '5' },
    },
    {
      label: vscode.l10n.t('Another status…'),
      detail: vscode.l10n.t('Any 4xx or 5xx status: 429, 502, 504…'),
      spec: (status, how) => withHow(status, how),
      defaultCount: '1',
      askStatus: true,
    },
  ];
}

/** The validation message, or undefined when `spec` parses. */
function problem(spec: string, message: string): string | undefined {
  try {
    parseFailureSpec(spec);
    return undefined;
  } catch (error) {
    if (error instanceof FailureSpecError) return message;
    throw error;
  }
}

export function simulateReceiverFailures({ ui, rehearsal, receiver }: EventCommandDeps) {
  return async (specArg?: unknown): Promise<FailurePlan | undefined> => {
    const title = vscode.l10n.t('Simulate Receiver Failures');
    let plan: FailurePlan;
    if (typeof specArg === 'string') {
      try {
        plan = FailurePlan.parse(specArg);
      } catch (error) {
        if (!(error instanceof FailureSpecError)) throw error;
        void ui.current.warn(error.message);
        return undefined;
      }
    } else {
      const flow = ui.current.flow();
      try {
        const kind = await flow.pick(kinds(), { title, placeHolder: vscode.l10n.t('What the receiver answers verified deliveries instead of 200') });
        let status = '500';
        if (kind.askStatus) {
          status = (
            await flow.input({
              title,
              prompt: vscode.l10n.t('The status to answer (400 to 599)'),
              value: '429',
              validateInput: (v) => {
                const message = vscode.l10n.t('Enter a status from 400 to 599.');
                return /^\d{3}$/.test(v.trim()) ? problem(v.trim(), message) : message;
              },
            })
          ).trim();
        }
        // Seconds not asked yet: a valid stand-in while the count is checked.
        const sample = kind.seconds?.value ?? '1';
        const how = (
          await flow.input({
            title,
            prompt: vscode.l10n.t('How many verified deliveries: a count (the next N) or a percentage (50%, until stopped)'),
            value: kind.defaultCount,
            validateInput: (v) =>
              problem(kind.spec(status, v.trim(), sample), vscode.l10n.t('Enter a count from 1 to 1000 (e.g. 3) or a percentage from 1 to 100 (e.g. 50%).')),
          })
        ).trim();
        let seconds = '';
        if (kind.seconds) {
          seconds = (
            await flow.input({
              title,
              prompt: kind.seconds.prompt,
              value: kind.seconds.value,
              validateInput: (v) => problem(kind.spec(status, how, v.trim()), kind.seconds?.prompt ?? ''),
            })
          ).trim();
        }
        plan = FailurePlan.parse(kind.spec(status, how, seconds));
      } finally {
        flow.close();
      }
    }
    rehearsal.start(plan);
    const stop = vscode.l10n.t('Stop');
    const start = vscode.l10n.t('Start Receiver');
    const running = receiver.running;
    const message = running
      ? vscode.l10n.t('Simulating receiver failures — {0}. The status bar shows it; click it to stop.', planLabel(plan))
      : vscode.l10n.t('Simulating receiver failures — {0}. The receiver is not running: start it to receive deliveries.', planLabel(plan));
    void ui.current.info(message, ...(running ? [stop] : [start, stop])).then((choice) => {
      if (choice === stop) return vscode.commands.executeCommand(COMMANDS.stopSimulatingReceiverFailures);
      if (choice === start) return vscode.commands.executeCommand(COMMANDS.startReceiver);
      return undefined;
    });
    return plan;
  };
}
