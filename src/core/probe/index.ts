/**
 * The probe: grades the user's own webhook handler by sending it signed deliveries — valid ones,
 * every event type, retries, rotations, tampered, stale and forged ones, static and (with the probe's
 * own key set) dynamic — and checking each answer against what a correct handler answers.
 * vscode-free: shared by `gemini-webhooks probe` and the editor's Check My Handler.
 */
export { DEFAULT_DEADLINE_MS, probeUrlProblem, runProbe } from './runProbe';
export type { ProbeOptions } from './runProbe';
export { DEFAULT_PROBE_JWKS_PORT, PROBE_JWKS_PATH, startProbeKeyServer } from './keyServer';
export type { ProbeKeyServer } from './keyServer';
export { loadOrCreateProbeKeys, ProbeKeys } from './keys';
export { causeLines, causeOf, failureDetail, formatProbeReport, probeHeading, probeJson, probeSummary, unreachableJson } from './format';
export { isProbeJunit, probeJunit } from './junit';
export type { CauseKind, CheckResult, Expectation, ProbeCause, ProbeOutcome, ProbeReport, ProbeUnreachable } from './types';
