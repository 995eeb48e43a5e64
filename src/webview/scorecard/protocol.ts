/**
 * The one message protocol between the handler scorecard's host (src/extension/handler/scorecard)
 * and its page (src/webview/scorecard). Shared by both sides: it must never import `vscode`, and
 * from the core only types.
 *
 * page → host: ready, rerun, copyJson, rendered
 * host → page: show (the report and what was probed), running (a re-run's progress), status (one line)
 */
import type { ProbeReport } from '../../core/probe/types';

/** What was probed, in words: for the header line (never a secret, only its label). */
export interface ProbeTarget {
  readonly url: string;
  /** e.g. `the secrets of "Batch results" (current and previous)`, or "no secret (dynamic deliveries only)". */
  readonly secretLabel: string;
}

export type PageMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'rerun' }
  | { readonly type: 'copyJson' }
  /** The page rendered a report of this many checks, and these cause lines above them (tests wait on it). */
  | { readonly type: 'rendered'; readonly checks: number; readonly failed: number; readonly causes: readonly string[] };

export type HostMessage =
  | { readonly type: 'show'; readonly report: ProbeReport; readonly target: ProbeTarget }
  | { readonly type: 'running'; readonly done: number; readonly total: number }
  | { readonly type: 'status'; readonly message: string; readonly error?: boolean };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPageMessage(value: unknown): value is PageMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'rerun':
    case 'copyJson':
      return true;
    case 'rendered':
      return (
        typeof value.checks === 'number' && typeof value.failed === 'number' && Array.isArray(value.causes) && value.causes.every((c) => typeof c === 'string')
      );
    default:
      return false;
  }
}

export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'show':
      return isObject(value.report) && Array.isArray(value.report.checks) && isObject(value.target) && typeof value.target.url === 'string';
    case 'running':
      return typeof value.done === 'number' && typeof value.total === 'number';
    case 'status':
      return typeof value.message === 'string';
    default:
      return false;
  }
}
