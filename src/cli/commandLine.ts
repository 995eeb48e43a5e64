/**
 * What the commands that take positional arguments (`probe <url>`, `init-handler <framework>`) share:
 * the positionals apart from the flags (a value-taking flag's next argument is its value), and the
 * --secret values on the command line, to keep out of anything printed.
 */
import { FlagSpec } from './args';

export function splitPositionals(args: readonly string[], spec: Readonly<Record<string, FlagSpec>>): { positionals: string[]; flags: string[] } {
  const positionals: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h') {
      flags.push('--help');
      continue;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    flags.push(arg);
    const flag = arg.startsWith('--') && !arg.includes('=') ? spec[arg.slice(2)] : undefined;
    if (flag && flag.type !== 'boolean' && i + 1 < args.length) flags.push(args[++i]);
  }
  return { positionals, flags };
}

/** Every `--secret` value given, parseable or not. */
export function secretArgValues(args: readonly string[]): string[] {
  const values: string[] = [];
  args.forEach((arg, i) => {
    if (arg === '--secret' && args[i + 1] !== undefined) values.push(args[i + 1]);
    else if (arg.startsWith('--secret=')) values.push(arg.slice('--secret='.length));
  });
  return values;
}
