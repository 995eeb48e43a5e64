/** One readable line per verified capture (CLI stdout, the editor's log), and the CLI's JSON form. Untrusted text is made printable and redacted. */
import { redact } from '../util/redact';
import { oneLine } from '../util/text';
import { CaptureVerification } from './verifyCapture';

/** `exported record #3: VALID static v1 HMAC, secret "wh_1 (current)" — msg_… batch.succeeded — age 412 s, checked as of its webhook-timestamp` */
export function formatCaptureLine(result: CaptureVerification): string {
  const { verdict } = result;
  const head = [`${safe(result.capture.source)}:`, result.valid ? 'VALID' : 'INVALID'];
  if (verdict.scheme !== 'none') head.push(verdict.scheme);
  if (verdict.signatureMethod) head.push(verdict.signatureMethod);
  let line = head.join(' ');
  if (result.matched) line += `, ${safe(result.matched)}`;
  if (result.reason) line += ` — ${safe(result.reason)}`;
  const ids = [result.capture.headers['webhook-id'], eventType(result)].filter((v): v is string => v !== undefined && v !== '');
  if (ids.length > 0) line += ` — ${ids.map(safe).join(' ')}`;
  line += ` — ${describeAge(result)}`;
  for (const note of result.notes) line += `; note: ${safe(note)}`;
  return line;
}

/** "age 412 s, checked as of now" / "age 3 h (10800 s), checked as of its webhook-timestamp (1700000000)". */
export function describeAge(result: CaptureVerification): string {
  const age = result.ageSeconds === undefined ? 'age unknown (no webhook-timestamp)' : `age ${humanSeconds(result.ageSeconds)}`;
  const as = result.checkedAs === 'now' ? 'checked as of now' : `checked as of ${result.checkedAs} (${result.checkedAt})`;
  return `${age}, ${as}`;
}

export function captureJson(result: CaptureVerification): Record<string, unknown> {
  const { verdict } = result;
  return {
    source: result.capture.source,
    valid: result.valid,
    scheme: verdict.scheme,
    signature_method: verdict.signatureMethod ?? null,
    matched: result.matched ?? null,
    ...(verdict.ok && verdict.matched ? { matched_secret: verdict.matched.label } : {}),
    ...(verdict.ok && verdict.matchedKey ? { matched_key: verdict.matchedKey } : {}),
    reason: result.reason ?? null,
    code: verdict.ok ? null : verdict.code,
    webhook_id: result.capture.headers['webhook-id'] ?? null,
    type: eventType(result) ?? null,
    webhook_timestamp: result.webhookTimestamp ?? null,
    age_seconds: result.ageSeconds ?? null,
    checked_at: result.checkedAt,
    checked_as: result.checkedAs,
    ...(verdict.token?.kid ? { kid: verdict.token.kid } : {}),
    notes: result.notes,
  };
}

function humanSeconds(seconds: number): string {
  const abs = Math.abs(seconds);
  const sign = seconds < 0 ? '-' : '';
  if (abs < 120) return `${seconds} s${seconds < 0 ? ' (in the future)' : ''}`;
  const unit = abs >= 2 * 86_400 ? [86_400, 'd'] : abs >= 2 * 3_600 ? [3_600, 'h'] : [60, 'min'];
  return `${sign}${Math.floor(abs / (unit[0] as number))} ${unit[1]} (${seconds} s)`;
}

function eventType(result: CaptureVerification): string | undefined {
  try {
    const value = JSON.parse(result.capture.rawBody.toString('utf8')) as { type?: unknown } | null;
    return value && typeof value.type === 'string' ? value.type : undefined;
  } catch {
    return undefined;
  }
}

function safe(text: string): string {
  return redact(oneLine(text, 200));
}
