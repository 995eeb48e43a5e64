/**
 * `gemini-webhooks probe <url>`: grades the user's own webhook handler — sends it signed deliveries
 * (valid, every event type, retries, rotations, tampered, stale, forged; with --dynamic also v1a and
 * JWT deliveries signed by the probe's own key set, served on loopback) and checks each answer.
 * Exit 0 when every check passes, 1 when one fails, 2 on bad usage or a URL that leads to no HTTP server.
 */
import { homedir, hostname } from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_DEADLINE_MS,
  DEFAULT_PROBE_JWKS_PORT,
  formatProbeReport,
  isProbeJunit,
  loadOrCreateProbeKeys,
  probeJunit,
  probeJson,
  probeUrlProblem,
  runProbe,
  startProbeKeyServer,
  unreachableJson,
} from '../core/probe';
import type { ProbeKeyServer } from '../core/probe';
import { redact } from '../core/util/redact';
import { reportFileProblem, writeReportFile } from '../core/util/reportFile';
import { flagValues, FlagTable, formatHelp, numberFlag, parseCommandLine, usageLine, UsageError } from './args';
import { CliCommand } from './command';
import { SECRET_FLAG_DESCRIPTION, SECRETS_ENV, secretCandidates, secretSources, secretsFromEnv } from './secretFlags';

export const PROBE_FLAGS = {
  secret: { type: 'string', multiple: true, description: SECRET_FLAG_DESCRIPTION, placeholder: 'whsec_...' },
  dynamic: { type: 'boolean', description: "also send dynamic deliveries (v1a Ed25519 and JWT) signed by the probe's own key set, served on loopback" },
  'jwks-port': {
    type: 'string',
    description: `port of the probe's key set server (default ${DEFAULT_PROBE_JWKS_PORT}; 0 = any free port)`,
    placeholder: 'N',
  },
  keys: { type: 'string', description: "file the probe's key set is kept in (default: the user cache folder)", placeholder: 'FILE' },
  audience: { type: 'string', description: "the aud the probe's JWTs carry (default: the handler's URL)", placeholder: 'AUD' },
  deadline: { type: 'string', description: `seconds each answer may take (default ${DEFAULT_DEADLINE_MS / 1000})`, placeholder: 'SECONDS' },
  json: { type: 'boolean', description: 'print one JSON object: { url, passed, failed, checks: [...], summary: { text, causes } }' },
  junit: {
    type: 'string',
    description: 'also write the result as JUnit XML (a testsuite per group, a testcase per check) for CI; replaces only a report it wrote',
    placeholder: 'FILE',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies FlagTable;

function help(): string {
  return formatHelp(
    'probe <url>',
    [
      'Grades your webhook handler at <url>: sends signed deliveries and checks each answer against what a correct',
      'handler answers (2xx for valid ones, retries, rotations, every event type and unknown ones, a raw body, 1 MiB;',
      '4xx for tampered, unsigned, malformed, stale and forged ones; every answer within the deadline, no redirects).',
      "With --dynamic the probe serves its own key set on loopback (the URL is printed): point the handler's",
      'GEMINI_WEBHOOK_JWKS_URI there. Exit 0 when every check passes, 1 when one fails, 2 on bad usage, an',
      'unreachable URL (connection refused, DNS, TLS) or a --junit file that cannot be written.',
    ],
    PROBE_FLAGS,
  );
}

/** Where the key set is kept between runs unless --keys says otherwise. */
export function defaultKeysFile(env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), '.cache');
  return path.join(cache, 'gemini-webhooks', 'probe-keys.json');
}

export const probeCommand: CliCommand = {
  name: 'probe',
  summary: 'grade your own webhook handler: signed, tampered, stale and forged deliveries',
  async run(args, ctx) {
    const known = [...flagValues(args, ['secret']), ...secretsFromEnv(ctx.env)];
    const out = (line: string) => ctx.stdout(redact(line, known));
    const err = (line: string) => ctx.stderr(redact(line, known));
    const fail = (message: string) => {
      ctx.stderr(usageLine('probe', message, known));
      return 2;
    };
    let flags;
    let url: string | undefined;
    let deadline: number;
    let port: number;
    try {
      const parsed = parseCommandLine(args, PROBE_FLAGS, Infinity);
      flags = parsed.values;
      if (flags.help) {
        out(help());
        return 0;
      }
      if (parsed.positionals.length !== 1)
        throw new UsageError(parsed.positionals.length === 0 ? 'give the URL of your handler' : `one URL at a time (got ${parsed.positionals.length})`);
      url = parsed.positionals[0];
      deadline = numberFlag(flags.deadline, 'deadline') ?? DEFAULT_DEADLINE_MS / 1000;
      port = numberFlag(flags['jwks-port'], 'jwks-port') ?? DEFAULT_PROBE_JWKS_PORT;
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return fail(`${error.message}\n\n${help()}`);
    }
    const problem = probeUrlProblem(url);
    if (problem) return fail(problem);
    if (!(deadline > 0 && deadline <= 120)) return fail(`--deadline must be a number of seconds from 0 to 120, got ${deadline}`);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--jwks-port must be an integer from 0 to 65535, got ${port}`);
    const candidates = secretCandidates(flags.secret, ctx.env);
    if (typeof candidates === 'string') return fail(candidates);
    const dynamic = flags.dynamic === true;
    if (candidates.length === 0 && !dynamic)
      return fail(`no signing secret: give --secret whsec_... (or ${SECRETS_ENV}), or --dynamic for dynamic checks alone`);
    const json = flags.json === true;
    const junit = flags.junit;
    if (junit !== undefined) {
      if (junit.trim() === '') return fail('--junit needs a file name');
      const refused = await reportFileProblem(junit, isProbeJunit);
      if (refused) return fail(`--junit: ${refused}`);
    }

    let keyServer: ProbeKeyServer | undefined;
    try {
      if (dynamic) {
        const keysFile = flags.keys ?? defaultKeysFile(ctx.env);
        let loaded;
        try {
          loaded = await loadOrCreateProbeKeys(keysFile);
        } catch (error) {
          return fail(`cannot keep the probe's key set in ${keysFile}: ${(error as Error).message} (choose another file with --keys)`);
        }
        if (loaded.note) err(`note: ${loaded.note}`);
        try {
          keyServer = await startProbeKeyServer({ keys: loaded.keys, port });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          return fail(
            code === 'EADDRINUSE'
              ? `port ${port} for the probe's key set is taken (another probe running?): choose one with --jwks-port N (0 = any free port)`
              : `cannot serve the probe's key set: ${(error as Error).message}`,
          );
        }
        const line = `key set: ${keyServer.url} — the handler's GEMINI_WEBHOOK_JWKS_URI must point here${loaded.created ? ' (a new key set)' : ''}`;
        if (json) err(line);
        else out(line);
      }
      const server = keyServer;
      const outcome = await runProbe({
        url,
        secrets: candidates.map((c) => c.secret),
        deadlineMs: Math.round(deadline * 1000),
        secretsName: secretSources(flags.secret, ctx.env),
        askForDynamic: 'ask for them with --dynamic',
        ...(server ? { dynamic: { keys: server.keys, jwksUri: server.url, audience: flags.audience, keyFetches: () => server.fetches } } : {}),
      });
      if (outcome.kind === 'unreachable') {
        if (json) out(JSON.stringify(unreachableJson(outcome.unreachable)));
        return fail(`cannot reach ${outcome.unreachable.url}: ${outcome.unreachable.reason}`);
      }
      const report = outcome.report;
      if (json) out(JSON.stringify(probeJson(report)));
      else for (const line of formatProbeReport(report)) out(line);
      if (junit !== undefined) {
        try {
          await writeReportFile(junit, redact(probeJunit(report, { hostname: hostname() }), known), isProbeJunit);
        } catch (error) {
          return fail(`--junit: ${(error as Error).message}`);
        }
        const line = `JUnit report: ${junit} (${report.checks.length} test cases, ${report.failed} failed)`;
        if (json) err(line);
        else out(line);
      }
      return report.failed === 0 ? 0 : 1;
    } finally {
      await keyServer?.close();
    }
  },
};
