/** The probe's report as text lines (the CLI) and as the one JSON object `--json` prints. */
import { seconds } from './exchange';
import { CheckResult, ProbeCause, ProbeReport, ProbeUnreachable } from './types';

/**
 * A header line, one line per check (failures with what was sent, expected, got, why and fix; a failure
 * that follows from a cause only marked with it), then the summary, each cause once, and the notes.
 */
export function formatProbeReport(report: ProbeReport): string[] {
  const width = Math.min(56, Math.max(...report.checks.map((c) => c.title.length)));
  const lines = [probeHeading(report), ''];
  for (const check of report.checks) {
    const status = check.status === null ? '---' : String(check.status);
    const cause = causeOf(report, check);
    lines.push(
      `${check.ok ? '✓' : '✗'} ${check.title.padEnd(width)}  ${status.padStart(3)}  ${`${check.ms} ms`.padStart(8)}${cause ? `  (${cause.label}: see below)` : ''}`,
    );
    if (!check.ok && !cause) lines.push(...failureDetail(check).map((l) => `    ${l}`));
  }
  lines.push('', probeSummary(report));
  for (const cause of report.causes) lines.push(...causeLines(cause));
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines;
}

/** The cause a failed check follows from, when the report names one. */
export function causeOf(report: ProbeReport, check: CheckResult): ProbeCause | undefined {
  return check.cause ? report.causes.find((c) => c.kind === check.cause) : undefined;
}

/** A cause, said once: what is wrong, the fix, how many failed checks follow from it. */
export function causeLines(cause: ProbeCause): string[] {
  const n = cause.checks.length;
  return [
    `✗ ${cause.summary}`,
    `  fix: ${cause.fix}`,
    `  ${n} failed check${n === 1 ? '' : 's'} follow${n === 1 ? 's' : ''} from this (marked "${cause.label}").`,
  ];
}

export function probeHeading(report: ProbeReport): string {
  const secrets = report.secrets === 0 ? 'no signing secret' : `${report.secrets} signing secret${report.secrets === 1 ? '' : 's'}`;
  const dynamic = report.dynamic ? `, dynamic deliveries signed by the key set at ${report.dynamic.jwksUri}` : '';
  return `probe ${report.url} — ${secrets}${dynamic}, deadline ${seconds(report.deadlineMs)} per answer`;
}

export function probeSummary(report: ProbeReport): string {
  const total = report.checks.length;
  return `${report.passed} passed, ${report.failed} failed (${total} checks, ${seconds(report.durationMs)})`;
}

/** What was sent, expected and got; then why and fix — or, for a check that follows from a cause, that cause and its fix. */
export function failureDetail(check: CheckResult, cause?: ProbeCause): string[] {
  return [
    `sent:     ${check.sent}`,
    `expected: ${check.expected}`,
    `got:      ${check.got}${check.body !== undefined ? `: ${check.body}` : ''}`,
    ...(cause ? [`cause:    ${cause.summary}`, `fix:      ${cause.fix}`] : [`why:      ${check.why}`, `fix:      ${check.fix}`]),
  ];
}

/** `{ url, passed, failed, checks: [{ name, ok, status, ms, expected, why, fix, cause?, … }], summary: { text, causes }, … }` (CI-friendly). */
export function probeJson(report: ProbeReport): Record<string, unknown> {
  return {
    url: report.url,
    passed: report.passed,
    failed: report.failed,
    checks: report.checks.map((c) => ({
      name: c.name,
      ok: c.ok,
      status: c.status,
      ms: c.ms,
      expected: c.expected,
      why: c.why,
      fix: c.fix,
      title: c.title,
      group: c.group,
      sent: c.sent,
      got: c.got,
      ...(c.body !== undefined ? { body: c.body } : {}),
      ...(c.cause ? { cause: c.cause } : {}),
    })),
    summary: {
      text: probeSummary(report),
      causes: report.causes.map((c) => ({ kind: c.kind, label: c.label, summary: c.summary, fix: c.fix, checks: c.checks })),
    },
    started_at: report.startedAt,
    duration_ms: report.durationMs,
    deadline_ms: report.deadlineMs,
    ...(report.dynamic ? { jwks_uri: report.dynamic.jwksUri, audience: report.dynamic.audience } : {}),
    notes: report.notes,
  };
}

export function unreachableJson(u: ProbeUnreachable): Record<string, unknown> {
  return { url: u.url, passed: 0, failed: 0, checks: [], error: u.reason, ...(u.code ? { code: u.code } : {}) };
}
