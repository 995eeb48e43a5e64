/**
 * What the probe reports: plain JSON data, shared by the CLI (`--json`), the editor's scorecard and
 * its webview page (type-only imports there).
 */

/** The class of status a correct handler answers. */
export type Expectation = '2xx' | '4xx';

export type CheckGroup = 'static' | 'dynamic';

/** One check's outcome: what was sent, what should come back, what came back, why it matters, how to fix it. */
export interface CheckResult {
  /** Stable id, e.g. `valid`, `duplicate`, `type:batch.failed`, `dynamic-jwt-forged`. */
  readonly name: string;
  /** In words, e.g. "Same webhook-id again". */
  readonly title: string;
  readonly group: CheckGroup;
  readonly ok: boolean;
  readonly expected: Expectation;
  /** The answer's status; null when none came (timeout, reset). */
  readonly status: number | null;
  /** From sending to the end of the answer (or to the failure). */
  readonly ms: number;
  /** What the probe sent, in words. */
  readonly sent: string;
  /** What came back, in words: "409 in 8 ms", "no answer within 5 s", "connection reset after 3 ms". */
  readonly got: string;
  /** The first bytes of the answer's body (control characters blanked), when there was one. */
  readonly body?: string;
  /** Why a correct handler answers as expected. */
  readonly why: string;
  /** What to change when it does not. */
  readonly fix: string;
  /** Set on a failed check that follows from one of the report's causes (say it once, not per check). */
  readonly cause?: CauseKind;
}

/**
 * One reason that many checks failed together, told once:
 * - `secret-refused`: every delivery signed with the probe's secret(s) got 401/403: the handler does not use them;
 * - `key-set-not-fetched`: dynamic deliveries failed and the probe's key server was never asked for its keys.
 */
export type CauseKind = 'secret-refused' | 'key-set-not-fetched';

export interface ProbeCause {
  readonly kind: CauseKind;
  /** A few words a check that follows from it is marked with: "wrong secret", "key set never fetched". */
  readonly label: string;
  /** One line: what is wrong, naming the secret or the key set. */
  readonly summary: string;
  /** What to do about it. */
  readonly fix: string;
  /** The failed checks that follow from it (names, report order); each carries `cause: kind`. */
  readonly checks: readonly string[];
}

export interface ProbeReport {
  readonly url: string;
  readonly passed: number;
  readonly failed: number;
  readonly checks: readonly CheckResult[];
  readonly startedAt: string;
  readonly durationMs: number;
  readonly deadlineMs: number;
  /** How many signing secrets signed the static checks. */
  readonly secrets: number;
  /** Present when dynamic deliveries were checked: where the probe's key set is, and the `aud` its tokens carry. */
  readonly dynamic?: { readonly jwksUri: string; readonly audience: string };
  /** Why many checks failed together, each said once (empty when none applies). */
  readonly causes: readonly ProbeCause[];
  /** Things the reader should know about the run (e.g. static checks skipped without a secret). */
  readonly notes: readonly string[];
}

/** Why the handler could not be graded at all: the URL does not lead to an HTTP server. */
export interface ProbeUnreachable {
  readonly url: string;
  /** In words, e.g. "connection refused: nothing listens on 127.0.0.1:8000 (is the handler running?)". */
  readonly reason: string;
  /** The underlying error code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED…), when there is one. */
  readonly code?: string;
}

export type ProbeOutcome = { readonly kind: 'report'; readonly report: ProbeReport } | { readonly kind: 'unreachable'; readonly unreachable: ProbeUnreachable };
