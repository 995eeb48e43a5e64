/**
 * The probe's report as JUnit XML, the format CI systems render (`probe --junit FILE`): a
 * <testsuites> of one <testsuite> per group that ran (static, dynamic), one <testcase> per check —
 * name: the check's stable name, classname `gemini-webhooks.probe.<group>`, time in seconds — and for a
 * failed check a <failure message="what came back"> whose text is what was sent, expected, got, why and
 * fix (or the cause it follows from). Each suite's <properties> and <system-out> carry what was probed
 * and the causes and notes of the run. Written to satisfy both schemas CI tools validate against (Ant's,
 * which wants properties, system-out and system-err in every suite; Jenkins'/Surefire's).
 *
 * Everything is escaped for XML 1.0: characters XML cannot carry (control characters, lone surrogates)
 * become U+FFFD, markup characters become entities (so `]]>` cannot end anything), and line ends in
 * attributes stay line ends. The URL is shown as safeUrl shows it (no credentials, no query values);
 * the caller redacts secrets from the result.
 */
import { safeUrl } from '../util/redact';
import { causeOf, failureDetail, probeSummary } from './format';
import { CheckGroup, CheckResult, ProbeReport } from './types';

/** The <testsuites> name: also how a file is recognised as one this probe wrote. */
export const JUNIT_SUITES_NAME = 'gemini-webhooks probe';

/** A JUnit report this probe wrote: the XML declaration, then our <testsuites>. */
export function isProbeJunit(head: string): boolean {
  return /^<\?xml [^>]*\?>\s*<testsuites name="gemini-webhooks probe"/.test(head);
}

const GROUPS: readonly CheckGroup[] = ['static', 'dynamic'];

export function probeJunit(report: ProbeReport, options: { readonly hostname: string }): string {
  const suites = GROUPS.map((group) => ({ group, checks: report.checks.filter((c) => c.group === group) })).filter((s) => s.checks.length > 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({
      name: JUNIT_SUITES_NAME,
      tests: report.checks.length,
      failures: report.failed,
      errors: 0,
      time: secondsAttr(report.durationMs),
    })}>`,
  ];
  // Ant's format wants a timestamp without a zone; it is UTC.
  const timestamp = report.startedAt.slice(0, 19);
  suites.forEach(({ group, checks }, id) => {
    const failures = checks.filter((c) => !c.ok).length;
    const causes = report.causes.filter((cause) => checks.some((c) => c.cause === cause.kind));
    out.push(
      `  <testsuite${attrs({
        name: group,
        tests: checks.length,
        failures,
        errors: 0,
        skipped: 0,
        time: secondsAttr(checks.reduce((sum, c) => sum + c.ms, 0)),
        timestamp,
        hostname: options.hostname || 'localhost',
        id,
        package: 'gemini-webhooks.probe',
      })}>`,
      '    <properties>',
    );
    const properties: Array<[string, string | number]> = [
      ['url', safeUrl(report.url)],
      ['deadline_ms', report.deadlineMs],
      ['secrets', report.secrets],
      ...(report.dynamic && group === 'dynamic'
        ? [
            ['jwks_uri', report.dynamic.jwksUri],
            ['audience', report.dynamic.audience],
          ]
        : []),
      ...causes.map((c): [string, string] => [`cause.${c.kind}`, c.summary]),
    ] as Array<[string, string | number]>;
    for (const [name, value] of properties) out.push(`      <property${attrs({ name, value })}/>`);
    out.push('    </properties>');
    for (const check of checks) out.push(...testcase(report, check));
    const said = [probeSummary(report), ...causes.flatMap((c) => [c.summary, `fix: ${c.fix}`]), ...report.notes.map((n) => `note: ${n}`)];
    out.push(`    <system-out>${text(said.join('\n'))}</system-out>`, '    <system-err></system-err>', '  </testsuite>');
  });
  out.push('</testsuites>', '');
  return out.join('\n');
}

function testcase(report: ProbeReport, check: CheckResult): string[] {
  const head = `    <testcase${attrs({ name: check.name, classname: `gemini-webhooks.probe.${check.group}`, time: secondsAttr(check.ms) })}`;
  if (check.ok) return [`${head}/>`];
  const cause = causeOf(report, check);
  const message = `${check.title}: ${check.got}${cause ? ` (${cause.label})` : ''}`;
  const type = cause ? cause.kind : check.status === null ? 'no-answer' : `expected-${check.expected}`;
  return [
    `${head}>`,
    `      <failure${attrs({ message, type })}>${text([check.title, ...failureDetail(check, cause)].join('\n'))}</failure>`,
    '    </testcase>',
  ];
}

function secondsAttr(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** XML 1.0 allows tab, LF, CR and U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF; anything else becomes U+FFFD. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Character data: markup characters as entities (so no `]]>` and no tag can appear), CR kept as a reference. */
export function text(value: string): string {
  return value.replace(NOT_XML_CHAR, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** An attribute value in double quotes: as text, plus quotes, and tab/LF as references (a parser would turn them into spaces). */
export function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${attr(String(value))}"`)
    .join('');
}
