/** The REST client of the Gemini webhooks API and of the jobs that emit its events (vscode-free). */
export { RepeatedPageTokenError, WebhooksClient, updateMaskOf } from './webhooksClient';
export type { ListOptions, CreateOptions } from './webhooksClient';
export { JobsClient, MAX_DOWNLOAD_BYTES, NotDownloadableError } from './jobsClient';
export { EmulatorJobsClient } from './emulatorJobsClient';
export type { EmulatorJobFailure, EmulatorJobOutcome } from './emulatorJobsClient';
export { EMULATOR_JOB_TYPES, startEmulatorJob } from './testEventJobs';
export { fetchDeliveryAttempts } from './deliveryAttempts';
export type { AttemptsLookup, AttemptsQuery, DeliveryAttempt } from './deliveryAttempts';
export type { EmulatorJob } from './testEventJobs';
export type { TransportOptions, CallOptions } from './transport';
export { ApiError, ApiKeyFormatError, BaseUrlError, NetworkError, apiKeyProblem, checkBaseUrl, isLoopbackHost, isNotFound, parseErrorEnvelope } from './errors';
export { DEFAULT_RETRY_POLICY, RETRYABLE_METHODS } from './retry';
export type { RetryPolicy } from './retry';
export * from './types';
export * from './jobTypes';
