/**
 * `gemini-webhooks verify [FILE|-]`: verifies a captured delivery — a raw HTTP request, `curl -v`
 * output, an exported inspector record (or a JSON Lines export of many), or a curl command — and
 * prints one line (or JSON object) per delivery. Exit 0 when every delivery is valid, 1 when one is
 * not, 2 on bad usage or an input that is not a capture.
 */
import { promises as fs } from 'node:fs';
import { AT_WEBHOOK_TIMESTAMP, captureJson, formatCaptureLine, MAX_CAPTURE_BYTES, parseCapture, verifyCaptures } from '../core/capture';
import { GOOGLE_JWKS_URI } from '../core/events/dynamicToken';
import { redact } from '../core/util/redact';
import { flagValues, FlagTable, formatHelp, numberFlag, parseCommandLine, urlFlagProblem, usageLine, UsageError } from './args';
import { CliCommand, CliContext } from './command';
import { SECRET_FLAG_DESCRIPTION, SECRETS_ENV, secretCandidates, secretsFromEnv } from './secretFlags';

const FLAGS = {
  secret: { type: 'string', multiple: true, description: SECRET_FLAG_DESCRIPTION, placeholder: 'whsec_...' },
  'jwks-uri': { type: 'string', description: `JWKS for dynamic (JWT) deliveries (default ${GOOGLE_JWKS_URI})`, placeholder: 'URI' },
  audience: { type: 'string', description: 'expected aud claim of dynamic deliveries (default: not checked, and said so)', placeholder: 'AUD' },
  at: {
    type: 'string',
    description: `verify as of these Unix seconds, or "${AT_WEBHOOK_TIMESTAMP}": as of the capture's own timestamp (default: now)`,
    placeholder: 'SECONDS',
  },
  tolerance: { type: 'string', description: 'seconds a webhook-timestamp may differ from that moment (default 300)', placeholder: 'S' },
  json: { type: 'boolean', description: 'one JSON object per delivery instead of a text line' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies FlagTable;

function help(): string {
  return formatHelp(
    'verify [FILE|-]',
    [
      'Verifies a captured delivery read from FILE, or from stdin when FILE is - or missing: a raw HTTP request',
      '(server log, ngrok, curl -v), an exported inspector record or JSON Lines export, or a curl command.',
      'Prints one line per delivery: VALID/INVALID, scheme and signature method, the secret or key that',
      'matched or why none did, and how old the capture is. Exit 0 when all are valid, 1 when not, 2 on bad usage.',
    ],
    FLAGS,
  );
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'verify a captured delivery (raw HTTP, exported record, curl)',
  async run(args, ctx) {
    // Whatever is printed passes through redact: a usage error may quote an argument that is a secret.
    const known = [...flagValues(args, ['secret']), ...secretsFromEnv(ctx.env)];
    const out = (line: string) => ctx.stdout(redact(line, known));
    const fail = (message: string) => {
      ctx.stderr(usageLine('verify', message, known));
      return 2;
    };
    let flags;
    let file: string | undefined;
    let tolerance: number;
    try {
      const parsed = parseCommandLine(args, FLAGS, Infinity);
      if (parsed.positionals.length > 1) throw new UsageError(`one capture file at a time (got ${parsed.positionals.length})`);
      file = parsed.positionals[0];
      flags = parsed.values;
      tolerance = numberFlag(flags.tolerance, 'tolerance') ?? 300;
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      return fail(`${err.message}\n\n${help()}`);
    }
    if (flags.help) {
      out(help());
      return 0;
    }
    const at = parseAt(flags.at);
    if (typeof at === 'object') return fail(at.error);
    if (!(tolerance > 0)) return fail(`--tolerance must be a positive number of seconds, got ${tolerance}`);
    const candidates = secretCandidates(flags.secret, ctx.env);
    if (typeof candidates === 'string') return fail(candidates);
    const jwksProblem = urlFlagProblem('jwks-uri', flags['jwks-uri']);
    if (jwksProblem) return fail(jwksProblem);
    const jwksUri = flags['jwks-uri'] ?? GOOGLE_JWKS_URI;

    const input = await readInput(file, ctx);
    if (typeof input === 'string') return fail(input);
    const parsed = parseCapture(input);
    if (!parsed.ok) return fail(`${file === undefined || file === '-' ? 'stdin' : file}: not a capture we can read: ${parsed.reason}`);

    const results = await verifyCaptures(parsed.captures, {
      secrets: () => candidates,
      jwksUri,
      audience: flags.audience,
      toleranceSeconds: tolerance,
      at,
    });
    const json = flags.json === true;
    for (const result of results) out(json ? JSON.stringify(captureJson(result)) : formatCaptureLine(result));
    const invalid = results.filter((r) => !r.valid).length;
    if (!json) {
      if (results.length > 1) ctx.stderr(`${results.length} deliveries: ${results.length - invalid} valid, ${invalid} invalid`);
      if (results.some((r) => r.checkedAs === 'now' && !r.verdict.ok && (r.verdict.code === 'timestamp_too_old' || r.verdict.code === 'timestamp_too_new')))
        ctx.stderr(`hint: to check the signature alone, verify as of the capture's own timestamp: --at ${AT_WEBHOOK_TIMESTAMP}`);
      if (candidates.length === 0 && results.some((r) => r.verdict.scheme === 'static'))
        ctx.stderr(`note: no --secret given (nor ${SECRETS_ENV}); static (HMAC) deliveries cannot verify`);
    }
    return invalid === 0 ? 0 : 1;
  },
};

function parseAt(value: string | undefined): number | typeof AT_WEBHOOK_TIMESTAMP | undefined | { error: string } {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === AT_WEBHOOK_TIMESTAMP) return AT_WEBHOOK_TIMESTAMP;
  if (!/^\d{1,15}$/.test(text)) return { error: `--at needs integer Unix seconds or "${AT_WEBHOOK_TIMESTAMP}", got '${value}'` };
  const seconds = Number(text);
  if (seconds > 99_999_999_999) return { error: `--at needs Unix seconds, got '${value}' (milliseconds? divide by 1000)` };
  return seconds;
}

/** The capture's bytes, at most MAX_CAPTURE_BYTES (reading stops once it is over); or why not. */
async function readInput(file: string | undefined, ctx: CliContext): Promise<Buffer | string> {
  if (file === undefined || file === '-') {
    if (!ctx.stdin) return 'no capture file given and no stdin to read';
    if (ctx.stdin.isTTY) ctx.stderr('reading the capture from stdin (end with Ctrl+D)…');
    return readCapped(ctx.stdin, 'stdin');
  }
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) return `cannot read ${file}: it is a directory`;
    if (stat.size > MAX_CAPTURE_BYTES)
      return `${file}: the capture is ${(stat.size / (1024 * 1024)).toFixed(1)} MB, over the ${MAX_CAPTURE_BYTES / (1024 * 1024)} MB limit`;
    // Streamed, not sized by stat: a pipe or /dev/stdin reports no size.
    return await readCapped(handle.createReadStream({ autoClose: false }), file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error)}`;
  } finally {
    await handle?.close();
  }
}

async function readCapped(stream: NodeJS.ReadableStream, name: string): Promise<Buffer | string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    chunks.push(bytes);
    size += bytes.length;
    if (size > MAX_CAPTURE_BYTES) return `${name}: the capture is over the ${MAX_CAPTURE_BYTES / (1024 * 1024)} MB limit`;
  }
  return Buffer.concat(chunks);
}
