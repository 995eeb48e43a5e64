/** The load tests' webhook: registered in the emulator for batch.succeeded, its secret as the receiver's candidate. */
import { request } from 'undici';
import { SecretCandidate } from '../../src/core/verify/secretCandidates';

export async function registerLoadWebhook(emulatorUrl: string, uri: string): Promise<SecretCandidate> {
  const created = await request(`${emulatorUrl}/v1beta/webhooks`, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'load', 'content-type': 'application/json' },
    body: JSON.stringify({ uri, subscribed_events: ['batch.succeeded'] }),
  });
  const webhook = (await created.body.json()) as { id: string; new_signing_secret: string };
  return { secret: webhook.new_signing_secret, webhookId: webhook.id, label: `${webhook.id} (current)` };
}
