/** `gemini-webhooks listen`: runs the receiver until SIGINT/SIGTERM, printing one line per request. */
import { GOOGLE_JWKS_URI } from '../core/events/dynamicToken';
import { startReceiver, PortInUseError } from '../core/receiver';
import { deliveryJson, formatDeliveryLine } from '../core/receiver/deliveryLine';
import { forwardResultLine } from '../core/receiver/forwardLine';
import { FlagSpec, formatHelp, parseFlags, untilSignal, UsageError } from './args';
import { CliCommand } from './command';
import { SECRET_FLAG_DESCRIPTION, secretCandidates } from './secretFlags';

const FLAGS: Record<string, FlagSpec> = {
  host: { type: 'string', description: 'interface to listen on (default 127.0.0.1)', placeholder: 'HOST' },
  port: { type: 'number', description: 'port, 0 = any free port (default 0)', placeholder: 'N' },
  path: { type: 'string', description: 'path deliveries are accepted on (default /webhooks)', placeholder: 'P' },
  secret: {
    type: 'string',
    repeat: true,
    description: SECRET_FLAG_DESCRIPTION,
    placeholder: 'whsec_...',
  },
  'jwks-uri': { type: 'string', description: `key set for dynamic deliveries, v1a Ed25519 or JWT (default ${GOOGLE_JWKS_URI})`, placeholder: 'URI' },
  audience: { type: 'string', description: "expected aud claim of dynamic deliveries (default: this receiver's URL)", placeholder: 'AUD' },
  tolerance: { type: 'number', description: 'seconds a webhook-timestamp may differ from now (default 300)', placeholder: 'S' },
  'forward-to': { type: 'string', description: 'your app: verified deliveries are forwarded there byte for byte', placeholder: 'URL' },
  json: { type: 'boolean', description: 'one JSON object per request instead of a text line' },
  help: { type: 'boolean', description: 'show this help' },
};

function help(): string {
  return formatHelp(
    'listen',
    [
      'Receives webhook deliveries, verifies them (Standard Webhooks v1 HMAC, v1a Ed25519 or a JWT), prints one line per request.',
      'First line: "receiver listening on http://HOST:PORT/PATH". Stops on Ctrl+C.',
    ],
    FLAGS,
  );
}

export const listenCommand: CliCommand = {
  name: 'listen',
  summary: 'receive and verify webhook deliveries locally',
  async run(args, ctx) {
    const fail = (message: string) => {
      ctx.stderr(`gemini-webhooks listen: ${message}`);
      return 2;
    };
    let flags;
    try {
      flags = parseFlags(args, FLAGS);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      return fail(`${err.message}\n\n${help()}`);
    }
    if (flags.help) {
      ctx.stdout(help());
      return 0;
    }
    const port = (flags.port as number | undefined) ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port must be an integer from 0 to 65535, got ${port}`);
    const tolerance = (flags.tolerance as number | undefined) ?? 300;
    if (!(tolerance > 0)) return fail(`--tolerance must be a positive number of seconds, got ${tolerance}`);
    // Never echo the secret itself: the reasons name the problem, not the value.
    const candidates = secretCandidates(flags.secret as string[] | undefined, ctx.env);
    if (typeof candidates === 'string') return fail(candidates);
    for (const name of ['jwks-uri', 'forward-to'] as const) {
      const value = flags[name] as string | undefined;
      if (value !== undefined && !/^https?:\/\//.test(value)) return fail(`--${name} must be an http(s) URL, got '${value}'`);
    }
    const json = flags.json === true;
    const stopped = untilSignal();
    let receiver;
    try {
      receiver = await startReceiver({
        host: (flags.host as string | undefined) ?? '127.0.0.1',
        port,
        path: (flags.path as string | undefined) ?? '/webhooks',
        secrets: () => candidates,
        jwksUri: (flags['jwks-uri'] as string | undefined) ?? GOOGLE_JWKS_URI,
        audience: flags.audience as string | undefined,
        toleranceSeconds: tolerance,
        forwardTo: flags['forward-to'] as string | undefined,
        log: { info: (m) => ctx.stderr(m), warn: (m) => ctx.stderr(m), error: (m) => ctx.stderr(m) },
      });
    } catch (err) {
      if (err instanceof PortInUseError) return fail(`${err.message}: choose another with --port (0 picks a free one)`);
      throw err;
    }
    ctx.stdout(`receiver listening on ${receiver.url}`);
    if (candidates.length === 0 && !json) ctx.stderr('note: no --secret given; static (HMAC) deliveries will be rejected');
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
