/**
 * `gemini-webhooks` — the command-line front end of the core.
 * Each subcommand lives in its own file and is listed in COMMANDS; this file only dispatches.
 */
import { redact } from '../core/util/redact';
import { oneLine } from '../core/util/text';
import { CliCommand, CliContext } from './command';
import { emulatorCommand } from './emulatorCommand';
import { initHandlerCommand } from './initHandlerCommand';
import { listenCommand } from './listenCommand';
import { probeCommand } from './probeCommand';
import { verifyCommand } from './verifyCommand';

const COMMANDS: readonly CliCommand[] = [
  // Subcommands register here, one line each.
  emulatorCommand,
  listenCommand,
  verifyCommand,
  probeCommand,
  initHandlerCommand,
];

function usage(): string {
  const lines = [
    'Usage: gemini-webhooks <command> [options]',
    '',
    'Develop with Gemini API webhooks locally: emulate the API, receive and verify deliveries, grade your handler.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(13)} ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also: gemini-webhooks <command> --help)',
    '  -v, --version  show the version',
  ];
  return lines.join('\n');
}

export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    ctx.stdout(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '-v' || name === '--version') {
    ctx.stdout(VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    ctx.stderr(redact(`gemini-webhooks: unknown command '${oneLine(name, 60)}'\n\n${usage()}`));
    return 2;
  }
  return command.run(rest, ctx);
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

if (require.main === module) {
  const ctx: CliContext = {
    stdout: (line) => process.stdout.write(line + '\n'),
    stderr: (line) => process.stderr.write(line + '\n'),
    env: process.env,
    stdin: process.stdin,
  };
  main(process.argv.slice(2), ctx).then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (err: unknown) => {
      ctx.stderr(redact(`gemini-webhooks: ${err instanceof Error ? err.message : String(err)}`));
      process.exitCode = 1;
    },
  );
}
