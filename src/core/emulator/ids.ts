/** The emulator's resource ids and timestamps, shaped like the real service's. */
import { randomToken } from '../util/randomId';

export { newMessageId, randomToken } from '../util/randomId';

/**
 * 36 lower-case letters and digits, like the service's (e.g. `k0h9q38f6ejj1g9j7cgcdsauadmbewegl79f`,
 * google-gemini/cookbook quickstarts/Webhooks.ipynb). Earlier versions minted `wh_` + 20 characters:
 * state files holding those still load, and every id of 1–63 letters, digits, `_` or `-` is accepted.
 */
export const newWebhookId = (): string => randomToken(36);

/** RFC 3339 with milliseconds, as Google's APIs answer timestamps. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
