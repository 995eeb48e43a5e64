/** `gemini-webhooks emulator`: runs the local Gemini API emulator until SIGINT/SIGTERM. */
import { DEFAULT_DYNAMIC_SIGNING, DYNAMIC_SIGNING_MODES, isDynamicSigningMode, startEmulator } from '../core/emulator';
import { FlagSpec, formatHelp, parseFlags, untilSignal, UsageError } from './args';
import { CliCommand } from './command';

/** The emulator's API key from the environment: not visible in `ps` or the shell history, unlike --api-key. */
export const API_KEY_ENV = 'GEMINI_WEBHOOKS_API_KEY';

const FLAGS: Record<string, FlagSpec> = {
  host: { type: 'string', description: 'interface to listen on (default 127.0.0.1)', placeholder: 'HOST' },
  port: { type: 'number', description: 'port, 0 = any free port (default 0)', placeholder: 'N' },
  'api-key': {
    type: 'string',
    description: `accept only this API key (default: any non-empty key; or set ${API_KEY_ENV}, kept out of ps and shell history)`,
    placeholder: 'KEY',
  },
  'time-scale': { type: 'number', description: 'divide every duration (retries, grace periods, jobs) by X (default 1)', placeholder: 'X' },
  'dynamic-signing': {
    type: 'string',
    description: `how webhook_config deliveries are signed: v1a (Ed25519, as live deliveries are) or jwt (RS256, as the guide documents) (default ${DEFAULT_DYNAMIC_SIGNING})`,
    placeholder: DYNAMIC_SIGNING_MODES.join('|'),
  },
  'jwt-audience': { type: 'string', description: 'aud claim of dynamic delivery tokens in jwt mode (default: the target URI)', placeholder: 'AUD' },
  state: { type: 'string', description: 'persist webhooks and signing secrets in FILE (default: memory only)', placeholder: 'FILE' },
  help: { type: 'boolean', description: 'show this help' },
};

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
    let flags;
    try {
      flags = parseFlags(args, FLAGS);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      ctx.stderr(`gemini-webhooks emulator: ${err.message}\n\n${help()}`);
      return 2;
    }
    if (flags.help) {
      ctx.stdout(help());
      return 0;
    }
    const port = (flags.port as number | undefined) ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      ctx.stderr(`gemini-webhooks emulator: --port must be an integer from 0 to 65535, got ${port}`);
      return 2;
    }
    const timeScale = (flags['time-scale'] as number | undefined) ?? 1;
    if (!(timeScale > 0)) {
      ctx.stderr(`gemini-webhooks emulator: --time-scale must be a positive number, got ${timeScale}`);
      return 2;
    }
    const apiKey = (flags['api-key'] as string | undefined) ?? ctx.env[API_KEY_ENV];
    if (apiKey !== undefined && apiKey.trim() === '') {
      ctx.stderr('gemini-webhooks emulator: --api-key must not be empty');
      return 2;
    }
    const dynamicSigning = (flags['dynamic-signing'] as string | undefined) ?? DEFAULT_DYNAMIC_SIGNING;
    if (!isDynamicSigningMode(dynamicSigning)) {
      ctx.stderr(`gemini-webhooks emulator: --dynamic-signing must be ${DYNAMIC_SIGNING_MODES.join(' or ')}, got '${dynamicSigning}'`);
      return 2;
    }
    const stopped = untilSignal();
    const emulator = await startEmulator({
      host: (flags.host as string | undefined) ?? '127.0.0.1',
      port,
      apiKey,
      timeScale,
      dynamicSigning,
      jwtAudience: flags['jwt-audience'] as string | undefined,
      statePath: flags.state as string | undefined,
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
