/** Routes outside the API (no key): the JWKS and the `/emulator/*` control surface. */
import { invalidArgument } from './errors';
import { DeliveryLog } from './deliveryLog';
import { Dispatcher } from './dispatch';
import { FinishableJobs, finishJob, parseFinishRequest } from './jobs/jobOutcomes';
import { Router } from './router';
import { SigningKeys } from './signingKeys';

/** Longer than any webhook-id a sender makes (the emulator's are `msg_` and a UUID). */
const MAX_WEBHOOK_ID_LENGTH = 256;

export interface ControlDeps {
  readonly dispatcher: Dispatcher;
  readonly keys: SigningKeys;
  readonly log: DeliveryLog;
  readonly jobs: FinishableJobs;
}

export function addControlRoutes(router: Router, deps: ControlDeps): void {
  router.add('GET', /^\/\.well-known\/jwks\.json$/, async () => ({ body: await deps.keys.jwks() }));

  router.add('POST', /^\/emulator\/events$/, async (ctx) => {
    const body = await ctx.body();
    for (const key of Object.keys(body)) {
      if (!['type', 'data', 'user_metadata', 'userMetadata'].includes(key))
        throw invalidArgument(`Unknown name "${key.slice(0, 80)}": expected type, data, user_metadata.`);
    }
    const { type } = body;
    if (typeof type !== 'string' || type.trim() === '' || type.length > 200)
      throw invalidArgument(`Invalid value at 'type': a non-empty event type string is required.`);
    const data = optionalObject(body.data, 'data');
    const userMetadata = optionalObject(body.user_metadata ?? body.userMetadata, 'user_metadata');
    return { body: { webhook_ids: deps.dispatcher.emit(type, data, userMetadata) } };
  });

  // Every attempt, or with `?webhook_id=` only that delivery's (what the inspector's attempts timeline asks for).
  router.add('GET', /^\/emulator\/deliveries$/, (ctx) => {
    const webhookId = ctx.query.get('webhook_id');
    if (webhookId === null) return { body: { deliveries: deps.log.list() } };
    if (webhookId.trim() === '' || webhookId.length > MAX_WEBHOOK_ID_LENGTH)
      throw invalidArgument(`Invalid value at 'webhook_id': a webhook-id of 1 to ${MAX_WEBHOOK_ID_LENGTH} characters is required.`);
    return { body: { deliveries: deps.log.forWebhookId(webhookId) } };
  });

  router.add('POST', /^\/emulator\/jobs:finish$/, async (ctx) => ({ body: finishJob(deps.jobs, parseFinishRequest(await ctx.body())) }));

  router.add('POST', /^\/emulator\/jwks:rotate$/, async (ctx) => {
    await ctx.body();
    return { body: { kid: await deps.keys.rotate(), mode: deps.keys.mode } };
  });
}

export function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(`Invalid value at '${field}': expected a JSON object.`);
  return value as Record<string, unknown>;
}
