/** The probe's report as text lines (the CLI) and as the one JSON object `--json` prints. */
import { seconds } from './exchange';
import { CheckResult, ProbeReport, ProbeUnreachable } from './types';

/** A header line, one line per check (failures with what was sent, expected, got, why and fix), then the summary. */
export function formatProbeReport(report: ProbeReport): string[] {
  const width = Math.min(56, Math.max(...report.checks.map((c) => c.title.length)));
  const lines = [probeHeading(report), ''];
  for (const check of report.checks) {
    const status = check.status === null ? '---' : String(check.status);
    lines.push(`${check.ok ? '✓' : '✗'} ${check.title.padEnd(width)}  ${status.padStart(3)}  ${`${check.ms} ms`.padStart(8)}`);
    if (!check.ok) lines.push(...failureDetail(check).map((l) => `    ${l}`));
  }
  lines.push('', probeSummary(report));
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines;
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

export function failureDetail(check: CheckResult): string[] {
  return [
    `sent:     ${check.sent}`,
    `expected: ${check.expected}`,
    `got:      ${check.got}${check.body !== undefined ? `: ${check.body}` : ''}`,
    `why:      ${check.why}`,
    `fix:      ${check.fix}`,
  ];
}

/** `{ url, passed, failed, checks: [{ name, ok, status, ms, expected, why, fix, … }] }` (CI-friendly). */
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
    })),
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
