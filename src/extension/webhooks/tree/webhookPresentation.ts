/**
 * What a webhook row shows, computed without the VS Code API (so the list benchmark can run it on
 * plain Node): label, description, context value, icon id and tooltip lines. Never a full secret.
 */
import type { Webhook } from '../../../core/api';
import { formatWhen, relativeTime } from '../../../core/util/when';

const STATE_LABEL: Record<string, string> = {
  enabled: 'enabled',
  disabled: 'disabled',
  disabled_due_to_failed_deliveries: 'disabled (failed deliveries)',
};

export const STATE_ICON: Record<string, { icon: string; color: string }> = {
  enabled: { icon: 'pass-filled', color: 'testing.iconPassed' },
  disabled: { icon: 'circle-slash', color: 'disabledForeground' },
  disabled_due_to_failed_deliveries: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
};

/** Why a webhook is disabled_due_to_failed_deliveries, and what to do (the tooltip's line under its state). */
export const FAILED_DELIVERIES_NOTE =
  'why: the service disabled it after failed deliveries (the endpoint answered 410 Gone, or kept failing until retries ran out); Re-enable it once the endpoint answers 2xx';

export interface WebhookRow {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly contextValue: string;
  readonly icon: { icon: string; color?: string };
  /** Plain-text lines; the tree renders them as a MarkdownString (as text, never as markup). */
  readonly tooltipLines: readonly string[];
}

export function stateLabel(state: string | undefined): string {
  return state ? (STATE_LABEL[state] ?? state) : 'unknown state';
}

export function webhookLabel(webhook: Pick<Webhook, 'id' | 'name'>): string {
  return webhook.name || webhook.id;
}

export function eventCount(n: number): string {
  return `${n} event${n === 1 ? '' : 's'}`;
}

export function presentWebhook(w: Webhook): WebhookRow {
  const lines = [`id: ${w.id}`, `uri: ${w.uri}`, `state: ${stateLabel(w.state)}`, `events: ${w.subscribed_events.join(', ') || 'none'}`];
  if (w.state === 'disabled_due_to_failed_deliveries') lines.splice(3, 0, FAILED_DELIVERIES_NOTE);
  // Local time with how long ago ("3 min ago — Dec 1, 08:58"), not the API's ISO string.
  if (w.create_time) lines.push(`created: ${formatWhen(w.create_time)}`);
  if (w.update_time) lines.push(`updated: ${formatWhen(w.update_time)}`);
  return {
    id: `webhook:${w.id}`,
    label: webhookLabel(w),
    description: `${stateLabel(w.state)} · ${eventCount(w.subscribed_events.length)}`,
    contextValue: `webhook:${w.state ?? 'unknown'}`,
    icon: (w.state && STATE_ICON[w.state]) || { icon: 'question' },
    tooltipLines: lines,
  };
}

/** "in 23 h", "5 min ago", "now" — for an ISO time. */
export const relative = relativeTime;

const SECRET_SCHEME = 'whsec_';

/** Characters of the secret itself (beyond the `whsec_` scheme) a truncated form must show to tell secrets apart. */
const MIN_SHOWN = 4;

/**
 * Whether `secret` is the one the API shows as `truncated`: its first characters, then an ellipsis
 * (`…` or `...`), possibly followed by its last characters — the service shows `whsec_...` and the
 * last four (`whsec_...3frh`). The whole shown part must match, and it must show at least four
 * characters beyond the `whsec_` scheme, or nothing can be told.
 */
export function matchesTruncated(truncated: string | undefined, secret: string): boolean {
  if (!truncated) return false;
  const [head = '', tail = ''] = truncated.trim().split(/…|\.\.\./);
  const shown = (head.startsWith(SECRET_SCHEME) ? head.length - SECRET_SCHEME.length : head.length) + tail.length;
  if (shown < MIN_SHOWN || head.length + tail.length >= secret.length) return false;
  return secret.startsWith(head) && secret.endsWith(tail);
}
