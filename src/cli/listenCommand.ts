/** `gemini-webhooks listen`: runs the receiver until SIGINT/SIGTERM, printing one line per request. */
import { GOOGLE_JWKS_URI } from '../core/events/dynamicToken';
import { FAILURE_SPEC_FORMS, FailurePlan, FailureSpecError, startReceiver, PortInUseError } from '../core/receiver';
import { deliveryJson, formatDeliveryLine } from '../core/receiver/deliveryLine';
import { forwardResultLine } from '../core/receiver/forwardLine';
import { redact, safeUrl } from '../core/util/redact';
import { flagValues, FlagTable, formatHelp, numberFlag, parseCommandLine, untilSignal, urlFlagProblem, usageLine, UsageError } from './args';
import { CliCommand } from './command';
import { SECRET_FLAG_DESCRIPTION, secretCandidates, secretsFromEnv } from './secretFlags';

const FLAGS = {
  host: { type: 'string', description: 'interface to listen on (default 127.0.0.1)', placeholder: 'HOST' },
  port: { type: 'string', description: 'port, 0 = any free port (default 0)', placeholder: 'N' },
  path: { type: 'string', description: 'path deliveries are accepted on (default /webhooks)', placeholder: 'P' },
  secret: {
    type: 'string',
    multiple: true,
    description: SECRET_FLAG_DESCRIPTION,
    placeholder: 'whsec_...',
  },
  'jwks-uri': { type: 'string', description: `key set for dynamic deliveries, v1a Ed25519 or JWT (default ${GOOGLE_JWKS_URI})`, placeholder: 'URI' },
  audience: { type: 'string', description: "expected aud claim of dynamic deliveries (default: this receiver's URL)", placeholder: 'AUD' },
  tolerance: { type: 'string', description: 'seconds a webhook-timestamp may differ from now (default 300)', placeholder: 'S' },
  'forward-to': { type: 'string', description: 'your app: verified deliveries are forwarded there byte for byte', placeholder: 'URL' },
  fail: {
    type: 'string',
    description: 'rehearse failures: answer verified deliveries 500:3, 503:2:retry-after=5, timeout:1, slow:5:2 or 50%:500 (see below)',
    placeholder: 'SPEC',
  },
  json: { type: 'boolean', description: 'one JSON object per request instead of a text line' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies FlagTable;

function help(): string {
  return [
    formatHelp(
      'listen',
      [
        'Receives webhook deliveries, verifies them (Standard Webhooks v1 HMAC, v1a Ed25519 or a JWT), prints one line per request.',
        'First line: "receiver listening on http://HOST:PORT/PATH". Stops on Ctrl+C.',
      ],
      FLAGS,
    ),
    '',
    'Failure rehearsal (--fail SPEC): verified deliveries only; a failed one is neither forwarded nor remembered as processed.',
    ...FAILURE_SPEC_FORMS.map((f) => `  ${f}`),
  ].join('\n');
}

export const listenCommand: CliCommand = {
  name: 'listen',
  summary: 'receive and verify webhook deliveries locally',
  async run(args, ctx) {
    // Whatever is printed is redacted: a usage error may quote an argument that is a secret.
    const known = [...flagValues(args, ['secret']), ...secretsFromEnv(ctx.env)];
    const fail = (message: string) => {
      ctx.stderr(usageLine('listen', message, known));
      return 2;
    };
    let flags;
    let port: number;
    let tolerance: number;
    try {
      flags = parseCommandLine(args, FLAGS).values;
      port = numberFlag(flags.port, 'port') ?? 0;
      tolerance = numberFlag(flags.tolerance, 'tolerance') ?? 300;
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      return fail(`${err.message}\n\n${help()}`);
    }
    if (flags.help) {
      ctx.stdout(help());
      return 0;
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port must be an integer from 0 to 65535, got ${port}`);
    if (!(tolerance > 0)) return fail(`--tolerance must be a positive number of seconds, got ${tolerance}`);
    let failurePlan: FailurePlan | undefined;
    try {
      failurePlan = flags.fail === undefined ? undefined : FailurePlan.parse(flags.fail);
    } catch (err) {
      if (!(err instanceof FailureSpecError)) throw err;
      return fail(`--fail: ${err.message}`);
    }
    // Never echo the secret itself: the reasons name the problem, not the value.
    const candidates = secretCandidates(flags.secret, ctx.env);
    if (typeof candidates === 'string') return fail(candidates);
    for (const name of ['jwks-uri', 'forward-to'] as const) {
      const problem = urlFlagProblem(name, flags[name]);
      if (problem) return fail(problem);
    }
    const json = flags.json === true;
    const jwksUri = flags['jwks-uri'] ?? GOOGLE_JWKS_URI;
    const stopped = untilSignal();
    let receiver;
    try {
      receiver = await startReceiver({
        host: flags.host ?? '127.0.0.1',
        port,
        path: flags.path ?? '/webhooks',
        secrets: () => candidates,
        jwksUri,
        audience: flags.audience,
        toleranceSeconds: tolerance,
        forwardTo: flags['forward-to'],
        failurePlan,
        log: { info: (m) => ctx.stderr(redact(m, known)), warn: (m) => ctx.stderr(redact(m, known)), error: (m) => ctx.stderr(redact(m, known)) },
      });
    } catch (err) {
      if (err instanceof PortInUseError) return fail(`${err.message}: choose another with --port (0 picks a free one)`);
      throw err;
    }
    ctx.stdout(`receiver listening on ${receiver.url}`);
    if (!json) {
      // URLs only as safeUrl shows them: user info and query values (tokens) masked.
      ctx.stderr(`dynamic deliveries are verified against the key set at ${safeUrl(jwksUri)}`);
      if (flags['forward-to']) ctx.stderr(`verified deliveries are forwarded to ${safeUrl(flags['forward-to'])}`);
      if (candidates.length === 0) ctx.stderr('note: no --secret given; static (HMAC) deliveries will be rejected');
    }
    if (failurePlan) {
      // stderr: stdout stays one line (or JSON object) per request.
      ctx.stderr(`rehearsing failures (--fail ${failurePlan.spec.text}): ${failurePlan.summary()}`);
      failurePlan.onDidChange((plan) => plan.done && ctx.stderr('failure rehearsal over: deliveries are answered as usual again'));
    }
    const out = lineBatcher(ctx.stdout);
    receiver.onDelivery((record) => out.push(json ? JSON.stringify(deliveryJson(record)) : formatDeliveryLine(record)));
    receiver.history.onDidUpdate((record) => {
      if (record.forward && !json) out.push(forwardResultLine(record.seq, record.forward));
    });
    await stopped;
    await receiver.close();
    out.flush();
    return 0;
  },
};

/**
 * Lines written together once per turn of the event loop: under load one write (one system call) carries
 * every delivery answered in that turn instead of one each; alone, a line goes out in the same turn.
 * `write` receives the lines joined by newlines (it adds the last one).
 */
export function lineBatcher(write: (text: string) => void): { push(line: string): void; flush(): void } {
  let lines: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (lines.length === 0) return;
    const text = lines.join('\n');
    lines = [];
    write(text);
  };
  return {
    push(line) {
      lines.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
