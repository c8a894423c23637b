/** @module The `netflowgen` command line: a dispatcher from the first argument to one subcommand (one file each), with `--help` at both levels. */
import { EXIT_USAGE, processIo, UsageError, type CliIo, type Command } from "./command.js";
import { relayCommand } from "./relay.js";
import { dataCommand } from "./data.js";
import { pretrainCommand } from "./pretrain.js";
import { finetuneCommand } from "./finetune.js";
import { evalCommand } from "./eval.js";

/** Every subcommand; add new ones here. */
export const COMMANDS: readonly Command[] = [relayCommand, dataCommand, pretrainCommand, finetuneCommand, evalCommand];

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: netflowgen <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `netflowgen <command> --help` for a command's options.",
  ].join("\n");
}

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    const command = topic === undefined ? undefined : COMMANDS.find((c) => c.name === topic);
    if (topic !== undefined && !command) {
      io.err(`netflowgen: unknown command ${JSON.stringify(topic)}\n\n${mainHelp()}`);
      return EXIT_USAGE;
    }
    if (first === undefined) {
      io.err(mainHelp());
      return EXIT_USAGE;
    }
    io.out(command ? command.help : mainHelp());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.err(`netflowgen: unknown command ${JSON.stringify(first)}\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`netflowgen ${command.name}: ${(err as Error).message}\nRun \`netflowgen ${command.name} --help\` for usage.`);
      return EXIT_USAGE;
    }
    io.err(`netflowgen ${command.name}: ${(err as Error).message ?? String(err)}`);
    return 1;
  }
}
