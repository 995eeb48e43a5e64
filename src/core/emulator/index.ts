/**
 * The local Gemini API emulator: the webhooks REST API, signed and retried deliveries (static
 * Standard Webhooks `v1` HMAC; dynamic `v1a` Ed25519 or an RS256 JWT), jobs that emit events, a
 * JWKS, and a control surface.
 * vscode-free: used by the CLI (`gemini-webhooks emulator`), the extension and the tests.
 */
import { AddressInfo } from 'node:net';
import { Clock } from './clock';
import { addControlRoutes } from './controlRoutes';
import { DeliveryEngine } from './deliveryEngine';
import { DeliveryLog, DeliveryAttempt } from './deliveryLog';
import { Dispatcher } from './dispatch';
import { JobRegistry, addJobRoutes } from './jobs/jobRoutes';
import { JobOutcome, finishJob } from './jobs/jobOutcomes';
import { DEFAULT_MAX_JOBS } from './jobs/jobTable';
import { DEFAULT_DYNAMIC_SIGNING, DynamicSigningMode, isDynamicSigningMode } from './dynamicSigner';
import { Router } from './router';
import { createHttpFront } from './server';
import { SigningKeys } from './signingKeys';
import { StateFile } from './state';
import { addWebhookRoutes } from './webhookRoutes';
import { WebhookStore } from './webhookStore';

export type { DeliveryAttempt, DeliveryOutcome } from './deliveryLog';
export { PING_EVENT_TYPE } from './dispatch';
export { EMULATOR_LOCAL_KEY } from './localKey';
export { RETRY_SCHEDULE_MS, MAX_ATTEMPTS, RETRY_WINDOW_MS } from './retrySchedule';
export { DEFAULT_DYNAMIC_SIGNING, DYNAMIC_SIGNING_LABELS, DYNAMIC_SIGNING_MODES, isDynamicSigningMode } from './dynamicSigner';
export type { DynamicSigningMode } from './dynamicSigner';
export { BATCH_OUTCOMES, INTERACTION_OUTCOMES } from './jobs/jobOutcomes';
export type { BatchOutcome, InteractionOutcome, JobOutcome } from './jobs/jobOutcomes';

/** The receiver's slow-client limits (src/core/receiver/index.ts), in real time. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface EmulatorOptions {
  host?: string;
  port?: number;
  /** When set, only this key is accepted; otherwise any non-empty key. */
  apiKey?: string;
  /** Every duration (retry delays, grace periods, expiries, job delays) is divided by it. Default 1. */
  timeScale?: number;
  /**
   * How dynamic (webhook_config) deliveries are signed: `v1a` (default; Standard Webhooks Ed25519,
   * as live deliveries are) or `jwt` (an RS256 JWT, as Google's guide documents).
   */
  dynamicSigning?: DynamicSigningMode;
  /** `aud` of dynamic tokens (`jwt` mode); default: the delivery's target URI. */
  jwtAudience?: string;
  /** Persist webhooks + secrets here (atomic write); absent = memory only. */
  statePath?: string;
  /** Deadline of a whole delivery attempt (connect, headers, body), default 15000 (not scaled). */
  deliveryTimeoutMs?: number;
  /** Slow-client protection, as the receiver's: a client's headers must arrive within this (default 10 000 ms, not scaled)… */
  headersTimeoutMs?: number;
  /** …and its whole request within this (default 30 000 ms, not scaled); later, it is answered 408 and the connection closed. */
  requestTimeoutMs?: number;
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
  /** How dynamic deliveries are signed. */
  readonly dynamicSigning: DynamicSigningMode;
  /**
   * A fresh key signs dynamic deliveries from now on (the mode in use: a new Ed25519 key, the oldest
   * retiring; or a new RSA key); a rotated-out key stays in the JWKS for a (scaled) 24 h grace period.
   * Answers the new key's kid.
   */
  rotateSigningKey(): Promise<string>;
  /** @deprecated the name of the JWT-only days: rotateSigningKey(). */
  rotateJwtKey(): Promise<void>;
  /**
   * Ends a batch (`batches/…`) or background interaction (its id) that is still running, now, as
   * `outcome` — a batch: succeeded, failed, expired, cancelled; an interaction: completed, failed,
   * requires_action, cancelled — emitting that event (`failure` only with 'failed'; default
   * INTERNAL / "Simulated failure (emulator)"). Answers the job as its GET now shows it. Throws the
   * route's ApiError (`code` 404 unknown job; 400 INVALID_ARGUMENT bad outcome; 400
   * FAILED_PRECONDITION job already ended), as `POST /emulator/jobs:finish` answers them.
   */
  finishJob(name: string, outcome: JobOutcome, failure?: { errorCode?: string; errorMessage?: string }): Record<string, unknown>;
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

  const headersTimeoutMs = positive(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, 'headersTimeoutMs');
  const requestTimeoutMs = positive(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, 'requestTimeoutMs');

  const stateFile = options.statePath ? new StateFile(options.statePath, warn) : undefined;
  const store = new WebhookStore(stateFile);
  stateFile?.load(store);

  const dynamicSigning = options.dynamicSigning ?? DEFAULT_DYNAMIC_SIGNING;
  if (!isDynamicSigningMode(dynamicSigning)) throw new RangeError(`dynamicSigning must be 'v1a' or 'jwt', got ${String(dynamicSigning)}`);
  const keys = new SigningKeys(dynamicSigning, clock, options.jwtAudience);
  const deliveryLog = new DeliveryLog();
  const engine = new DeliveryEngine({ store, clock, signer: keys.signer, log: deliveryLog, timeoutMs, logLine: options.log });
  const dispatcher = new Dispatcher(store, engine);
  const maxJobs = options.maxJobs ?? DEFAULT_MAX_JOBS;
  if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new RangeError(`maxJobs must be a positive integer, got ${maxJobs}`);
  const jobs = new JobRegistry(clock, dispatcher, options.jobDurationMs ?? 3000, maxJobs);

  const api = new Router();
  addWebhookRoutes(api, { store, clock, ping: (record) => dispatcher.ping(record) });
  const finishable = addJobRoutes(api, jobs);
  const root = new Router();
  addControlRoutes(root, { dispatcher, keys, log: deliveryLog, jobs: finishable });

  const server = createHttpFront({ api, root, apiKey: options.apiKey, host, log, headersTimeoutMs, requestTimeoutMs });
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
  keys.issuer = url;
  jobs.baseUrl = url;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    emit: (type, data, userMetadata) => dispatcher.emit(type, data, userMetadata),
    deliveries: () => deliveryLog.list(),
    dynamicSigning,
    rotateSigningKey: () => keys.rotate(),
    rotateJwtKey: async () => {
      await keys.rotate();
    },
    finishJob: (name, outcome, failure) => finishJob(finishable, { name, outcome, ...failure }),
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

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
