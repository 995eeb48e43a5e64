/**
 * The signing secrets a receiver may verify static (Standard Webhooks) deliveries against.
 * Produced by the VS Code secret store or by `--secret` flags; consumed by the verifier.
 */

export interface SecretCandidate {
  /** The full `whsec_...` secret. Never log, display or put it in an error. */
  readonly secret: string;
  /** The webhook this secret belongs to, when known (management commands store it under the id). */
  readonly webhookId?: string;
  /** A safe, human label: e.g. "wh_123 (current)", "wh_123 (previous, until 12:00)", "added by hand". */
  readonly label: string;
  /** Epoch ms after which the secret no longer verifies (rotation grace window); absent = no expiry. */
  readonly notAfter?: number;
}

/** The candidates still live at `now`. */
export function liveCandidates(candidates: readonly SecretCandidate[], now: number): SecretCandidate[] {
  return candidates.filter((c) => c.notAfter === undefined || c.notAfter > now);
}
