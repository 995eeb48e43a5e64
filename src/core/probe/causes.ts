/**
 * Causes behind many failed checks at once, found after a run so the report says each one once — a
 * line naming what is wrong and how to fix it — instead of the same generic why/fix on every check:
 * - every delivery signed with the probe's secret(s) answered 401/403: the handler does not use them;
 * - dynamic deliveries failed and the probe's key server was never asked for its keys: the handler is
 *   not pointed at it (so "implement v1a" would be the wrong advice).
 * The checks still appear, each marked with the cause it follows from.
 */
import { CheckResult, ProbeCause } from './types';

export interface CauseContext {
  /** How this surface names the secrets the static deliveries were signed with, e.g. `the secret of "Batch results"`. */
  readonly secretsName: string;
  readonly secretCount: number;
  /** For dynamic runs: the key set's URL, the `aud` the tokens carry, and how often the key server was asked for the keys (undefined: not known). */
  readonly dynamic?: { readonly jwksUri: string; readonly audience: string; readonly keyFetches?: number };
}

const REFUSED = new Set([401, 403]);

export function findCauses(checks: readonly CheckResult[], ctx: CauseContext): { checks: CheckResult[]; causes: ProbeCause[] } {
  const causes: ProbeCause[] = [];
  const marked = new Map<string, ProbeCause['kind']>();

  const signed = checks.filter((c) => c.group === 'static' && c.expected === '2xx');
  if (signed.length > 0 && signed.every((c) => c.status !== null && REFUSED.has(c.status))) {
    const statuses = [...new Set(signed.map((c) => c.status as number))].sort((a, b) => a - b).join(' or ');
    const one = ctx.secretCount === 1;
    causes.push({
      kind: 'secret-refused',
      label: 'wrong secret',
      summary: `The handler does not use ${ctx.secretsName}: it refused all ${signed.length} deliveries signed with ${one ? 'it' : 'them'} (${statuses}).`,
      fix: `Start the handler with GEMINI_WEBHOOK_SECRET set to ${one ? 'that secret' : 'those secrets'}, or run the checks with the secret it has.`,
      checks: signed.map((c) => c.name),
    });
    for (const c of signed) marked.set(c.name, 'secret-refused');
  }

  const d = ctx.dynamic;
  const dynamic = checks.filter((c) => c.group === 'dynamic' && !c.ok);
  if (d && d.keyFetches === 0 && dynamic.some((c) => c.expected === '2xx')) {
    // A forgery answered 2xx is a bug of its own (it accepts what it never verified), not this cause.
    const following = dynamic.filter((c) => !(c.expected === '4xx' && c.status !== null && c.status >= 200 && c.status < 300));
    causes.push({
      kind: 'key-set-not-fetched',
      label: 'key set never fetched',
      summary: `The handler never asked the probe's key server for its keys: it is not pointed at ${d.jwksUri}.`,
      fix: `Start the handler with GEMINI_WEBHOOK_JWKS_URI=${d.jwksUri} (and GEMINI_WEBHOOK_AUDIENCE=${d.audience}), then run the checks again.`,
      checks: following.map((c) => c.name),
    });
    for (const c of following) marked.set(c.name, 'key-set-not-fetched');
  }

  return {
    checks: checks.map((c) => {
      const cause = marked.get(c.name);
      return cause ? { ...c, cause } : c;
    }),
    causes,
  };
}
