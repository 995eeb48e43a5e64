/**
 * `npm start` opens the editor with GEMINI_WEBHOOKS_SAMPLE_DATA=1: an empty embedded emulator gets
 * three sample webhooks (one disabled) pointing at the local receiver, so a newcomer sees a working
 * tree at once. Their secrets are stored like any other, so the receiver can verify their deliveries.
 */
import type * as vscode from 'vscode';
import { WebhooksClient } from '../../../core/api';
import { SecretStore } from '../../platform/secretStore';

const RECEIVER = 'http://127.0.0.1:8788/webhooks';

const SAMPLES = [
  { name: 'Batch results', uri: RECEIVER, subscribed_events: ['batch.succeeded', 'batch.failed', 'batch.expired'], disabled: false },
  {
    name: 'Agent interactions',
    uri: RECEIVER,
    subscribed_events: ['interaction.requires_action', 'interaction.completed', 'interaction.failed'],
    disabled: false,
  },
  { name: 'Video pipeline (paused)', uri: RECEIVER, subscribed_events: ['video.generated'], disabled: true },
];

export async function seedSampleWebhooks(client: WebhooksClient, secrets: SecretStore, log: vscode.LogOutputChannel): Promise<void> {
  const first = await client.list({ pageSize: 1 });
  if (first.webhooks.length > 0) return;
  for (const sample of SAMPLES) {
    const { webhook, newSigningSecret } = await client.create({ name: sample.name, uri: sample.uri, subscribed_events: sample.subscribed_events });
    if (newSigningSecret) await secrets.storeSigningSecret(webhook.id, newSigningSecret);
    if (sample.disabled) await client.update(webhook.id, { state: 'disabled' });
  }
  log.info(`Seeded ${SAMPLES.length} sample webhooks into the local emulator.`);
}
