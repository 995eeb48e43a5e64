/** Shared machinery of simulated jobs: scaled timers (all cancelled on close) and webhook_config parsing. */
import { Clock } from '../clock';
import { Dispatcher, WebhookConfig } from '../dispatch';
import { invalidArgument } from '../errors';
import { JsonObject } from '../http';
import { validateUri } from '../webhookValidation';
import { DEFAULT_MAX_JOBS } from './jobTable';

export const MAX_WEBHOOK_URIS = 10;

export class JobRegistry {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Set once the server listens: used to build download URIs. */
  baseUrl = '';

  constructor(
    readonly clock: Clock,
    readonly dispatcher: Dispatcher,
    /** Unscaled duration of a simulated job. */
    readonly durationMs: number,
    /** Jobs kept per kind; beyond it the oldest ended ones are evicted. */
    readonly maxJobs: number = DEFAULT_MAX_JOBS,
  ) {}

  /** Runs `fn` after `fraction` of the (scaled) job duration. */
  after(fraction: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      this.clock.scaled(this.durationMs * fraction),
    );
    this.timers.add(timer);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Reads `webhook_config` / `webhookConfig` from an object: `uris` (+ `user_metadata` / `userMetadata`). */
export function readWebhookConfig(container: JsonObject, where: string): WebhookConfig | undefined {
  const raw = container.webhook_config ?? container.webhookConfig;
  if (raw === undefined || raw === null) return undefined;
  const field = `${where}.webhook_config`;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidArgument(`Invalid value at '${field}': expected an object with uris.`);
  const cfg = raw as JsonObject;
  for (const key of Object.keys(cfg)) {
    if (!['uris', 'user_metadata', 'userMetadata'].includes(key))
      throw invalidArgument(`Invalid JSON payload received. Unknown name "${key.slice(0, 80)}" at '${field}': Cannot find field.`);
  }
  if (!Array.isArray(cfg.uris) || cfg.uris.length === 0)
    throw invalidArgument(`Invalid value at '${field}.uris': at least one absolute http(s) URL is required.`);
  if (cfg.uris.length > MAX_WEBHOOK_URIS) throw invalidArgument(`Invalid value at '${field}.uris': at most ${MAX_WEBHOOK_URIS} URLs.`);
  const uris = cfg.uris.map((u, i) => validateUri(u, `${field}.uris[${i}]`));
  const meta = cfg.user_metadata ?? cfg.userMetadata;
  if (meta === undefined || meta === null) return { uris };
  if (typeof meta !== 'object' || Array.isArray(meta)) throw invalidArgument(`Invalid value at '${field}.user_metadata': expected a JSON object.`);
  return { uris, userMetadata: meta as Record<string, unknown> };
}

export function optionalString(container: JsonObject, names: readonly string[], field: string): string | undefined {
  for (const name of names) {
    const v = container[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw invalidArgument(`Invalid value at '${field}': expected a string.`);
    return v;
  }
  return undefined;
}

export function objectField(container: JsonObject, names: readonly string[], field: string): JsonObject | undefined {
  for (const name of names) {
    const v = container[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'object' || Array.isArray(v)) throw invalidArgument(`Invalid value at '${field}': expected a JSON object.`);
    return v as JsonObject;
  }
  return undefined;
}
