/**
 * The CLI's argument parsing, on `node:util`'s `parseArgs`: `--name value`, `--name=value`,
 * repeatable (`multiple`) and boolean flags, `-h`, typed values (a string, a string list or a
 * boolean, straight from the flag table). Usage errors are our own sentences, and every message a
 * command prints goes through `usageLine`, which redacts secrets: a usage error quotes the argument
 * it stumbled on, and that argument may be a signing secret or an API key.
 */
import { parseArgs } from 'node:util';
import { redact, safeUrl } from '../core/util/redact';
import { oneLine } from '../core/util/text';
import { checkHttpUrl, describeHttpUrlProblem } from '../core/util/url';

/** One flag: what `parseArgs` needs (type, multiple, short) and what the help shows. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** Repeatable: the values in order. */
  readonly multiple?: boolean;
  /** A one-letter alias (`-h`). */
  readonly short?: string;
  readonly description: string;
  /** What the help shows after the flag (`--port N`). */
  readonly placeholder?: string;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

export class UsageError extends Error {}

/** The values `parseArgs` types from the table, and the positionals. */
export function parseCommandLine<const T extends FlagTable>(args: readonly string[], flags: T, maxPositionals = 0) {
  // A lenient pass first, to name what is wrong in our words (parseArgs' own messages suggest
  // syntax this CLI does not document); then the strict pass gives the typed values.
  const { tokens } = parseArgs({ args: [...args], options: flags, strict: false, allowPositionals: true, tokens: true });
  let positionals = 0;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (++positionals > maxPositionals) throw new UsageError(`unexpected argument '${shown(token.value)}'`);
      continue;
    }
    if (token.kind !== 'option') continue;
    const flag = Object.hasOwn(flags, token.name) ? flags[token.name] : undefined;
    if (!flag) throw new UsageError(`unknown option '${shown(token.rawName)}'`);
    if (flag.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`option '${token.rawName}' takes no value`);
    } else if (token.value === undefined || (!token.inlineValue && token.value.length > 1 && token.value.startsWith('-'))) {
      throw new UsageError(`option '${token.rawName}' needs a value`);
    }
  }
  try {
    return parseArgs({ args: [...args], options: flags, strict: true, allowPositionals: maxPositionals > 0 });
  } catch (error) {
    // Not expected after the checks above; still our words, never the argument.
    throw new UsageError(`cannot read the options (${(error as NodeJS.ErrnoException).code ?? 'invalid'})`);
  }
}

function shown(arg: string): string {
  return oneLine(arg, 60);
}

/** A number flag: undefined when absent; a UsageError naming the flag (and, redacted later, the value) when it is not a number. */
export function numberFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`option '--${name}' needs a number, got '${shown(value)}'`);
  return n;
}

/**
 * Why a URL flag's value is not an absolute http(s) URL with a host (`checkHttpUrl`, the predicate the
 * editor and the emulator use too), or undefined when it is or is absent. User info is allowed (a
 * key set behind basic auth) but never shown: the value is quoted only as safeUrl masks it.
 */
export function urlFlagProblem(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const check = checkHttpUrl(value, { allowCredentials: true });
  if (check.ok) return undefined;
  const shownValue = check.problem === 'not_absolute' || check.problem === 'empty' ? '' : ` (got ${safeUrl(value.trim())})`;
  return `--${name} must be an absolute http(s) URL: ${describeHttpUrlProblem(check.problem)}${shownValue}`;
}

/**
 * A line for stderr: secrets removed — every known secret shape (`whsec_…`, `AIza…`) and each
 * literal in `known` (the values of secret-bearing flags and variables, whatever their shape).
 */
export function usageLine(command: string, message: string, known: readonly string[] = []): string {
  return redact(`gemini-webhooks ${command}: ${message}`, known);
}

/** The values given to the flags in `names` (`--name v` and `--name=v`), parseable or not: to keep out of anything printed. */
export function flagValues(args: readonly string[], names: readonly string[]): string[] {
  const values: string[] = [];
  args.forEach((arg, i) => {
    for (const name of names) {
      if (arg === `--${name}` && args[i + 1] !== undefined) values.push(args[i + 1]);
      else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
    }
  });
  return values;
}

export function formatFlags(flags: FlagTable): string {
  return Object.entries(flags)
    .map(([name, f]) => {
      const left = `--${name}${f.type === 'boolean' ? '' : ` ${f.placeholder ?? 'VALUE'}`}`;
      return `  ${left.padEnd(26)} ${f.description}${f.multiple ? ' (repeatable)' : ''}`;
    })
    .join('\n');
}

/** A subcommand's --help text: usage line, what it does, its options. */
export function formatHelp(command: string, about: readonly string[], flags: FlagTable): string {
  return [`Usage: gemini-webhooks ${command} [options]`, '', ...about, '', 'Options:', formatFlags(flags)].join('\n');
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
