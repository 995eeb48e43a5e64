/**
 * What Create Webhook and Rotate Signing Secret announce once a new signing secret is shown and
 * stored, so another feature can act on it (the handler feature offers "Write to .env") without the
 * webhooks feature knowing it: the composition root wires the hook into the webhook commands.
 */

export interface NewSecretEvent {
  readonly webhookId: string;
  /** How the webhook is named to the user (its name, else its id). */
  readonly label: string;
  /** The new current secret (kept out of every message and log line). */
  readonly secret: string;
  readonly reason: 'created' | 'rotated';
}

/** Never throws: a failure is the hook's to report. */
export type NewSecretHook = (event: NewSecretEvent) => Promise<void>;
