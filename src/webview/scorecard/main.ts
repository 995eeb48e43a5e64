/**
 * The handler scorecard page (browser bundle): the summary; each cause that many failures share, said
 * once (what is wrong, the fix, how many checks follow from it); one entry per check (✓/✗, status,
 * time; a failed one open with what was sent, expected, got, why and fix — or, when it follows from a
 * cause, closed and marked with it); Re-run and Copy as JSON.
 * Every piece of data goes in as text. Talks to the host only through ./protocol.
 */
import type { CheckResult, ProbeCause, ProbeReport } from '../../core/probe/types';
import { clear, el } from '../inspector/dom';
import { HostMessage, PageMessage, ProbeTarget, isHostMessage } from './protocol';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const node = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const summary = node<HTMLElement>('summary');
const target = node<HTMLElement>('target');
const status = node<HTMLElement>('status');
const list = node<HTMLElement>('checks');
const causes = node<HTMLElement>('causes');
const rerun = node<HTMLButtonElement>('rerun');
const copy = node<HTMLButtonElement>('copy');
const onlyFailed = node<HTMLInputElement>('only-failed');

rerun.addEventListener('click', () => vscode.postMessage({ type: 'rerun' }));
copy.addEventListener('click', () => vscode.postMessage({ type: 'copyJson' }));
onlyFailed.addEventListener('change', () => list.classList.toggle('only-failed', onlyFailed.checked));

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function field(dl: HTMLElement, name: string, value: string, className?: string): void {
  dl.appendChild(el('dt', '', name));
  dl.appendChild(el('dd', className, value));
}

function checkEntry(check: CheckResult, cause: ProbeCause | undefined): HTMLElement {
  const item = el('li', `check ${check.ok ? 'passed' : 'failed'}`);
  const details = el('details');
  details.open = !check.ok && !cause;
  const head = el('summary');
  const mark = el('span', 'mark', check.ok ? '✓' : '✗');
  mark.setAttribute('aria-label', check.ok ? 'passed' : 'failed');
  head.appendChild(mark);
  const title = el('span', 'title', check.title);
  // Inside the title, so the status and time columns stay aligned.
  if (cause) title.appendChild(el('span', 'cause-tag', cause.label));
  head.appendChild(title);
  head.appendChild(el('span', 'status', check.status === null ? 'no answer' : String(check.status)));
  head.appendChild(el('span', 'time', seconds(check.ms)));
  head.appendChild(el('span', 'group', check.group));
  details.appendChild(head);
  const dl = el('dl');
  field(dl, 'Sent', check.sent);
  field(dl, 'Expected', check.expected);
  field(dl, 'Got', check.got, check.ok ? undefined : 'bad');
  if (check.body !== undefined) field(dl, 'Answer', check.body, 'code');
  if (cause) field(dl, 'Follows from', cause.summary);
  else {
    field(dl, 'Why', check.why);
    field(dl, 'Fix', check.fix);
  }
  field(dl, 'Check', check.name, 'code');
  details.appendChild(dl);
  item.appendChild(details);
  return item;
}

function show(report: ProbeReport, probed: ProbeTarget): void {
  const total = report.checks.length;
  summary.textContent = report.failed === 0 ? `All ${total} checks passed` : `${report.failed} of ${total} checks failed — ${report.passed} passed`;
  summary.className = report.failed === 0 ? 'summary ok' : 'summary bad';
  const parts = [probed.url, probed.secretLabel, `deadline ${seconds(report.deadlineMs)} per answer`, `took ${seconds(report.durationMs)}`];
  if (report.dynamic) parts.push(`key set ${report.dynamic.jwksUri} (aud "${report.dynamic.audience}")`);
  target.textContent = parts.join(' · ');
  clear(list);
  const said = showCauses(report.causes);
  const causeOf = (check: CheckResult) => (check.cause ? report.causes.find((c) => c.kind === check.cause) : undefined);
  const failed = report.checks.filter((c) => !c.ok);
  // Failures of their own first, then those a cause above explains, then the passes.
  const order = [...failed.filter((c) => !causeOf(c)), ...failed.filter((c) => causeOf(c)), ...report.checks.filter((c) => c.ok)];
  for (const check of order) list.appendChild(checkEntry(check, causeOf(check)));
  for (const note of report.notes) list.appendChild(el('li', 'note', note));
  status.textContent = '';
  rerun.disabled = false;
  vscode.postMessage({ type: 'rendered', checks: total, failed: failed.length, causes: said });
}

/** One block per cause: what is wrong, the fix, how many checks below follow from it. Answers the lines shown. */
function showCauses(list: readonly ProbeCause[]): string[] {
  clear(causes);
  causes.hidden = list.length === 0;
  return list.map((cause) => {
    const block = el('div', 'cause');
    block.appendChild(el('p', 'cause-summary', cause.summary));
    block.appendChild(el('p', 'cause-fix', `Fix: ${cause.fix}`));
    const n = cause.checks.length;
    block.appendChild(el('p', 'cause-count', `${n} failed check${n === 1 ? '' : 's'} below follow${n === 1 ? 's' : ''} from this (marked "${cause.label}").`));
    causes.appendChild(block);
    return cause.summary;
  });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostMessage(message)) return;
  handle(message);
});

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'show':
      return show(message.report, message.target);
    case 'running':
      rerun.disabled = true;
      status.className = 'status';
      status.textContent = message.total > 0 ? `Running… ${message.done} of ${message.total}` : 'Running…';
      return;
    case 'status':
      rerun.disabled = false;
      status.className = message.error ? 'status bad' : 'status';
      status.textContent = message.message;
      return;
  }
}

vscode.postMessage({ type: 'ready' });
