/** `gemini-webhooks emulator`: runs the local Gemini API emulator until SIGINT/SIGTERM. */
import { DEFAULT_DYNAMIC_SIGNING, DYNAMIC_SIGNING_MODES, isDynamicSigningMode, startEmulator } from '../core/emulator';
import { flagValues, FlagTable, formatHelp, numberFlag, parseCommandLine, untilSignal, usageLine, UsageError } from './args';
import { oneLine } from '../core/util/text';
import { CliCommand } from './command';

/** The emulator's API key from the environment: not visible in `ps` or the shell history, unlike --api-key. */
export const API_KEY_ENV = 'GEMINI_WEBHOOKS_API_KEY';

const FLAGS = {
  host: { type: 'string', description: 'interface to listen on (default 127.0.0.1)', placeholder: 'HOST' },
  port: { type: 'string', description: 'port, 0 = any free port (default 0)', placeholder: 'N' },
  'api-key': {
    type: 'string',
    description: `accept only this API key (default: any non-empty key; or set ${API_KEY_ENV}, kept out of ps and shell history)`,
    placeholder: 'KEY',
  },
  'time-scale': { type: 'string', description: 'divide every duration (retries, grace periods, jobs) by X (default 1)', placeholder: 'X' },
  'dynamic-signing': {
    type: 'string',
    description: `how webhook_config deliveries are signed: v1a (Ed25519, as live deliveries are) or jwt (RS256, as the guide documents) (default ${DEFAULT_DYNAMIC_SIGNING})`,
    placeholder: DYNAMIC_SIGNING_MODES.join('|'),
  },
  'jwt-audience': { type: 'string', description: 'aud claim of dynamic delivery tokens in jwt mode (default: the target URI)', placeholder: 'AUD' },
  state: { type: 'string', description: 'persist webhooks and signing secrets in FILE (default: memory only)', placeholder: 'FILE' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies FlagTable;

function help(): string {
  return formatHelp(
    'emulator',
    [
      'Runs a local Gemini API (webhooks REST API, jobs, signed and retried deliveries, JWKS).',
      'Prints "emulator listening on http://HOST:PORT", then one line per delivery attempt.',
    ],
    FLAGS,
  );
}

export const emulatorCommand: CliCommand = {
  name: 'emulator',
  summary: 'run the local Gemini API emulator',
  async run(args, ctx) {
    // The key may be on the command line or in the environment: neither is ever printed, whatever its shape.
    const known = [...flagValues(args, ['api-key']), ...(ctx.env[API_KEY_ENV] ? [ctx.env[API_KEY_ENV]] : [])];
    const fail = (message: string) => {
      ctx.stderr(usageLine('emulator', message, known));
      return 2;
    };
    let flags;
    let port: number;
    let timeScale: number;
    try {
      flags = parseCommandLine(args, FLAGS).values;
      port = numberFlag(flags.port, 'port') ?? 0;
      timeScale = numberFlag(flags['time-scale'], 'time-scale') ?? 1;
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      return fail(`${err.message}\n\n${help()}`);
    }
    if (flags.help) {
      ctx.stdout(help());
      return 0;
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port must be an integer from 0 to 65535, got ${port}`);
    if (!(timeScale > 0)) return fail(`--time-scale must be a positive number, got ${timeScale}`);
    const apiKey = flags['api-key'] ?? ctx.env[API_KEY_ENV];
    if (apiKey !== undefined && apiKey.trim() === '') return fail('--api-key must not be empty');
    const dynamicSigning = flags['dynamic-signing'] ?? DEFAULT_DYNAMIC_SIGNING;
    if (!isDynamicSigningMode(dynamicSigning))
      return fail(`--dynamic-signing must be ${DYNAMIC_SIGNING_MODES.join(' or ')}, got '${oneLine(dynamicSigning, 60)}'`);
    const stopped = untilSignal();
    const emulator = await startEmulator({
      host: flags.host ?? '127.0.0.1',
      port,
      apiKey,
      timeScale,
      dynamicSigning,
      jwtAudience: flags['jwt-audience'],
      statePath: flags.state,
      log: (line) => ctx.stdout(line),
      warn: (line) => ctx.stderr(line),
    });
    ctx.stdout(`emulator listening on ${emulator.url}`);
    const signal = await stopped;
    ctx.stderr(`emulator: ${signal} received, stopping`);
    await emulator.close();
    return 0;
  },
};
