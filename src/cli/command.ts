/** The contract every `gemini-webhooks` subcommand implements. */

export interface CliContext {
  /** One line, or several joined by newlines (the newline after the last is added). */
  stdout(line: string): void;
  stderr(line: string): void;
  env: NodeJS.ProcessEnv;
  /** What the command may read as its input (`verify -`); absent = nothing to read. */
  stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Runs the command; long-running ones resolve when they have stopped (SIGINT/SIGTERM). */
  run(args: readonly string[], ctx: CliContext): Promise<number>;
}
