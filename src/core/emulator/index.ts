/**
 * The local Gemini API emulator: the webhooks REST API, signed and retried deliveries (static
 * Standard Webhooks and dynamic JWT), jobs that emit events, a JWKS, and a control surface.
 * vscode-free: used by the CLI (`gemini-webhooks emulator`), the extension and the tests.
 */
import { AddressInfo } from 'node:net';
import { Clock } from './clock';
import { addControlRoutes } from './controlRoutes';
import { DeliveryEngine } from './deliveryEngine';
import { DeliveryLog, DeliveryAttempt } from './deliveryLog';
import { Dispatcher } from './dispatch';
import { JobRegistry, addJobRoutes } from './jobs/jobRoutes';
import { DEFAULT_MAX_JOBS } from './jobs/jobTable';
import { JwtSigner } from './jwtSigner';
import { Router } from './router';
import { createHttpFront } from './server';
import { StateFile } from './state';
import { addWebhookRoutes } from './webhookRoutes';
import { WebhookStore } from './webhookStore';

export type { DeliveryAttempt, DeliveryOutcome } from './deliveryLog';
export { PING_EVENT_TYPE } from './dispatch';
export { EMULATOR_LOCAL_KEY } from './localKey';
export { RETRY_SCHEDULE_MS, MAX_ATTEMPTS, RETRY_WINDOW_MS } from './retrySchedule';

export interface EmulatorOptions {
  host?: string;
  port?: number;
  /** When set, only this key is accepted; otherwise any non-empty key. */
  apiKey?: string;
  /** Every duration (retry delays, grace periods, expiries, job delays) is divided by it. Default 1. */
  timeScale?: number;
  /** `aud` of dynamic tokens; default: the delivery's target URI. */
  jwtAudience?: string;
  /** Persist webhooks + secrets here (atomic write); absent = memory only. */
  statePath?: string;
  /** Deadline of a whole delivery attempt (connect, headers, body), default 15000 (not scaled). */
  deliveryTimeoutMs?: number;
  /** One line per delivery attempt etc. Never a secret in it. */
  log?: (line: string) => void;
  /** Warnings (e.g. a corrupt state file moved aside); default: `log`. */
  warn?: (line: string) => void;
  /** Simulated duration of a job before it ends (unscaled ms), default 3000. */
  jobDurationMs?: number;
  /** Jobs kept per kind (batches, interactions, video operations), default 10 000; beyond it the oldest ended ones are evicted. */
  maxJobs?: number;
}

export interface Emulator {
  /** 'http://HOST:PORT' (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Emits an event (any type, unknown included) to every enabled webhook subscribed to it. Returns the webhook-ids. */
  emit(type: string, data?: Record<string, unknown>, userMetadata?: Record<string, unknown>): string[];
  /** Every attempt (the last 10k), oldest first. */
  deliveries(): readonly DeliveryAttempt[];
  /** New signing key; the old one stays in the JWKS for a (scaled) 24 h grace period. */
  rotateJwtKey(): Promise<void>;
  /** Resolves when no delivery is pending or in flight. */
  idle(): Promise<void>;
  /** Stops the server, cancels timers and in-flight deliveries. */
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const warn = options.warn ?? log;
  const clock = new Clock(options.timeScale ?? 1);
  const timeoutMs = options.deliveryTimeoutMs ?? 15_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`deliveryTimeoutMs must be a positive number, got ${timeoutMs}`);

  const stateFile = options.statePath ? new StateFile(options.statePath, warn) : undefined;
  let persist = () => undefined as void;
  const store = new WebhookStore(() => persist());
  stateFile?.load(store);
  if (stateFile) persist = () => stateFile.save(store);

  const signer = new JwtSigner(clock);
  const deliveryLog = new DeliveryLog();
  const engine = new DeliveryEngine({ store, clock, signer, log: deliveryLog, timeoutMs, jwtAudience: options.jwtAudience, logLine: options.log });
  const dispatcher = new Dispatcher(store, engine);
  const maxJobs = options.maxJobs ?? DEFAULT_MAX_JOBS;
  if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new RangeError(`maxJobs must be a positive integer, got ${maxJobs}`);
  const jobs = new JobRegistry(clock, dispatcher, options.jobDurationMs ?? 3000, maxJobs);

  const api = new Router();
  addWebhookRoutes(api, { store, clock, ping: (record) => dispatcher.ping(record) });
  addJobRoutes(api, jobs);
  const root = new Router();
  addControlRoutes(root, { dispatcher, signer, log: deliveryLog });

  const server = createHttpFront({ api, root, apiKey: options.apiKey, host, log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log(`emulator: server error: ${err.message}`));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  signer.issuer = url;
  jobs.baseUrl = url;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    emit: (type, data, userMetadata) => dispatcher.emit(type, data, userMetadata),
    deliveries: () => deliveryLog.list(),
    rotateJwtKey: async () => {
      await signer.rotate();
    },
    idle: () => engine.idle(),
    close: () =>
      (closing ??= (async () => {
        jobs.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await engine.close();
        await closed;
      })()),
  };
}
