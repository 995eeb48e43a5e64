/** The webhooks management REST API: create, list, get, update, delete, rotate, ping. */
import { invalidArgument } from './errors';
import { Handler, Router } from './router';
import { Clock } from './clock';
import { ROTATION_GRACE_MS, parseRevocationBehavior, rotate } from './secrets';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, WebhookRecord, WebhookStore } from './webhookStore';
import { parseUpdateMask, readWebhookFields, validateWebhookId } from './webhookValidation';

export interface WebhookRouteDeps {
  readonly store: WebhookStore;
  readonly clock: Clock;
  /** Sends a `webhook.ping` delivery to this webhook, whatever its subscriptions. */
  ping(record: WebhookRecord): void;
}

const ID = '([^/:]+)';

export function addWebhookRoutes(apiRouter: Router, deps: WebhookRouteDeps): void {
  const { store, clock } = deps;
  // Every call answers from a store that has taken in what other emulators on the state file saved.
  const router = {
    add(method: string, pattern: RegExp, handler: Handler): void {
      apiRouter.add(method, pattern, (ctx) => {
        store.refresh();
        return handler(ctx);
      });
    },
  };

  router.add('POST', /^\/webhooks$/, async (ctx) => {
    const fields = readWebhookFields(await ctx.body(), false); // `state` is not part of a create (WebhookInput)
    if (fields.uri === undefined) throw invalidArgument(`Missing required field 'webhook.uri'.`);
    if (fields.subscribed_events === undefined) throw invalidArgument(`Missing required field 'webhook.subscribed_events'.`);
    const rawId = ctx.query.get('webhook_id') ?? ctx.query.get('webhookId');
    const now = clock.now();
    const { record, secret } = store.create(
      {
        id: rawId === null || rawId === '' ? undefined : validateWebhookId(rawId),
        name: fields.name,
        uri: fields.uri,
        subscribed_events: fields.subscribed_events,
      },
      now,
    );
    return { body: { ...store.view(record, now), new_signing_secret: secret } };
  });

  router.add('GET', /^\/webhooks$/, (ctx) => {
    const pageSize = parsePageSize(ctx.query.get('page_size') ?? ctx.query.get('pageSize'));
    const token = ctx.query.get('page_token') ?? ctx.query.get('pageToken') ?? undefined;
    const page = store.list(pageSize, token);
    const now = clock.now();
    const body: { webhooks?: unknown[]; next_page_token?: string } = {};
    if (page.webhooks.length > 0) body.webhooks = page.webhooks.map((r) => store.view(r, now));
    if (page.nextPageToken) body.next_page_token = page.nextPageToken;
    return { body };
  });

  router.add('GET', new RegExp(`^/webhooks/${ID}$`), (ctx) => ({ body: store.view(store.get(ctx.params[0]), clock.now()) }));

  router.add('PATCH', new RegExp(`^/webhooks/${ID}$`), async (ctx) => {
    store.get(ctx.params[0]);
    const body = await ctx.body();
    const fields = readWebhookFields(body, true);
    const mask = parseUpdateMask(ctx.query.get('update_mask') ?? ctx.query.get('updateMask')) ?? (Object.keys(fields) as (keyof typeof fields)[]);
    if (mask.length === 0) throw invalidArgument('Nothing to update: pass update_mask and the fields it names.');
    for (const field of mask) {
      if (field === 'uri' && fields.uri === undefined) throw invalidArgument(`Missing required field 'webhook.uri' named in update_mask.`);
      if (field === 'subscribed_events' && fields.subscribed_events === undefined)
        throw invalidArgument(`Missing required field 'webhook.subscribed_events' named in update_mask.`);
      if (field === 'state' && fields.state === undefined) throw invalidArgument(`Missing required field 'webhook.state' named in update_mask.`);
    }
    const now = clock.now();
    const record = store.update(ctx.params[0], now, (record) => {
      for (const field of mask) {
        if (field === 'name') record.name = fields.name;
        else if (field === 'uri') record.uri = fields.uri as string;
        else if (field === 'subscribed_events') record.subscribed_events = fields.subscribed_events as string[];
        else record.state = fields.state as WebhookRecord['state'];
      }
      return record;
    });
    return { body: store.view(record, now) };
  });

  router.add('DELETE', new RegExp(`^/webhooks/${ID}$`), (ctx) => {
    store.delete(ctx.params[0]);
    return { body: {} };
  });

  const rotateHandler = async (ctx: { params: readonly string[]; body(): Promise<Record<string, unknown>> }) => {
    store.get(ctx.params[0]);
    const body = await ctx.body();
    for (const key of Object.keys(body)) {
      if (key !== 'revocation_behavior' && key !== 'revocationBehavior')
        throw invalidArgument(`Invalid JSON payload received. Unknown name "${key.slice(0, 80)}": Cannot find field.`);
    }
    const raw = body.revocation_behavior ?? body.revocationBehavior;
    const behavior = parseRevocationBehavior(raw);
    if (!behavior)
      throw invalidArgument(`Invalid value at 'revocation_behavior': expected revoke_previous_secrets_after_h24 or revoke_previous_secrets_immediately.`);
    const now = clock.now();
    const fresh = store.update(ctx.params[0], now, (record) => rotate(record.secrets, behavior, now, clock.scaled(ROTATION_GRACE_MS)));
    return { body: { secret: fresh.secret } };
  };
  router.add('POST', new RegExp(`^/webhooks/${ID}:rotateSigningSecret$`), rotateHandler);
  router.add('POST', new RegExp(`^/webhooks/${ID}/rotate_secret$`), rotateHandler);

  router.add('POST', new RegExp(`^/webhooks/${ID}:ping$`), async (ctx) => {
    const record = store.get(ctx.params[0]);
    await ctx.body(); // validated (JSON object or empty), otherwise ignored
    deps.ping(record);
    return { body: {} };
  });
}

function parsePageSize(raw: string | null): number {
  if (raw === null || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,9}$/.test(raw)) throw invalidArgument(`Invalid value at 'page_size': expected a non-negative integer, got '${raw.slice(0, 40)}'.`);
  const n = Number(raw);
  if (n === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(n, MAX_PAGE_SIZE);
}
