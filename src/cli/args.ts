/** A small, strict argument parser for the CLI: `--name value`, `--name=value`, repeatable and boolean flags. */

export interface FlagSpec {
  readonly type: 'string' | 'number' | 'boolean';
  readonly repeat?: boolean;
  readonly description: string;
  readonly placeholder?: string;
}

export type ParsedFlags = Record<string, string | number | boolean | string[] | undefined>;

export class UsageError extends Error {}

export function parseFlags(args: readonly string[], spec: Record<string, FlagSpec>): ParsedFlags {
  const out: ParsedFlags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const flag = spec[name];
    if (!flag) throw new UsageError(`unknown option '--${name}'`);
    if (flag.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`option '--${name}' takes no value`);
      out[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      i++;
    }
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`option '--${name}' needs a value`);
    if (flag.type === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`option '--${name}' needs a number, got '${value}'`);
      out[name] = n;
    } else if (flag.repeat) {
      const list = (out[name] as string[] | undefined) ?? [];
      list.push(value);
      out[name] = list;
    } else {
      out[name] = value;
    }
  }
  return out;
}

export function formatFlags(spec: Record<string, FlagSpec>): string {
  return Object.entries(spec)
    .map(([name, f]) => {
      const left = `--${name}${f.type === 'boolean' ? '' : ` ${f.placeholder ?? (f.type === 'number' ? 'N' : 'VALUE')}`}`;
      return `  ${left.padEnd(26)} ${f.description}${f.repeat ? ' (repeatable)' : ''}`;
    })
    .join('\n');
}

/** A subcommand's --help text: usage line, what it does, its options. */
export function formatHelp(command: string, about: readonly string[], spec: Record<string, FlagSpec>): string {
  return [`Usage: gemini-webhooks ${command} [options]`, '', ...about, '', 'Options:', formatFlags(spec)].join('\n');
}

/** Resolves when the process is asked to stop (SIGINT or SIGTERM), removing its listeners. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
