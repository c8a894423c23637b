/** @module The shape of a `netflowgen` subcommand (name, one-line summary, help text, run), and the CLI's output and usage-error conventions. */

export interface CliIo {
  /** normal output (help text) */
  out(text: string): void;
  /** errors and diagnostics */
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

export interface Command {
  name: string;
  /** one line for `netflowgen --help` */
  summary: string;
  /** the full `netflowgen NAME --help` text */
  help: string;
  /** runs with the arguments after the subcommand's name; resolves to the exit code */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit code of a usage error (bad or missing arguments), as most command lines use it. */
export const EXIT_USAGE = 2;

/** A bad argument: main prints the message and a pointer to --help, and exits with EXIT_USAGE. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : text + "\n"),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : text + "\n"),
  env: process.env,
};
