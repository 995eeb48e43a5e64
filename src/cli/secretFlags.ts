/** Signing secrets from `--secret` flags and the environment, shared by `listen` and `verify`. */
import { SecretCandidate } from '../core/verify/secretCandidates';
import { validateSigningSecret } from '../core/verify/secretFormat';

/** Signing secrets from the environment: not visible in `ps` or the shell history, unlike --secret. */
export const SECRETS_ENV = 'GEMINI_WEBHOOKS_SECRETS';

export const SECRET_FLAG_DESCRIPTION = `a whsec_ signing secret to verify static deliveries with (or, kept out of ps and shell history, ${SECRETS_ENV}: secrets separated by spaces or commas)`;

/**
 * The candidates, labelled `--secret #1`… then `GEMINI_WEBHOOKS_SECRETS #1`…; or why one is not a
 * signing secret (naming it by its label, never echoing the value).
 */
export function secretCandidates(flags: readonly string[] | undefined, env: NodeJS.ProcessEnv): SecretCandidate[] | string {
  const fromEnv = secretsFromEnv(env);
  const raw = [...(flags ?? []), ...fromEnv];
  const flagCount = raw.length - fromEnv.length;
  const label = (i: number) => (i < flagCount ? `--secret #${i + 1}` : `${SECRETS_ENV} #${i - flagCount + 1}`);
  const problems = raw.map((secret) => validateSigningSecret(secret));
  const bad = problems.findIndex((problem) => problem !== undefined);
  if (bad !== -1) return `${label(bad)} is not a signing secret: ${problems[bad]}`;
  return raw.map((secret, i) => ({ secret, label: label(i) }));
}

/** The secrets GEMINI_WEBHOOKS_SECRETS holds (spaces or commas between them), as given. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env[SECRETS_ENV] ?? '').split(/[\s,]+/).filter((v) => v !== '');
}

/**
 * Where the secrets came from, as the probe's summary names them: "the secret given with --secret",
 * "the secret in GEMINI_WEBHOOKS_SECRETS", "the 2 secrets given (1 with --secret, 1 in GEMINI_WEBHOOKS_SECRETS)".
 */
export function secretSources(flags: readonly string[] | undefined, env: NodeJS.ProcessEnv): string {
  const fromFlags = flags?.length ?? 0;
  const fromEnv = secretsFromEnv(env).length;
  if (fromFlags + fromEnv === 0) return 'no secret';
  if (fromFlags + fromEnv === 1) return fromFlags === 1 ? 'the secret given with --secret' : `the secret in ${SECRETS_ENV}`;
  const where = [fromFlags > 0 ? `${fromFlags} with --secret` : '', fromEnv > 0 ? `${fromEnv} in ${SECRETS_ENV}` : ''].filter((w) => w !== '');
  return `the ${fromFlags + fromEnv} secrets given (${where.join(', ')})`;
}
