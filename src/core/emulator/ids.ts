/** The emulator's resource ids and timestamps, shaped like the real service's. */
import { randomToken } from '../util/randomId';

export { newMessageId, randomToken } from '../util/randomId';

export const newWebhookId = (): string => `wh_${randomToken(20)}`;

/** RFC 3339 with milliseconds, as Google's APIs answer timestamps. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
