/** @module `netflowgen data <subcommand>`: the data tools group (simulator, real-series loaders), dispatching to one file per subcommand. */
import { type Command, UsageError } from "./command.js";
import { buildDatasetCommand } from "./build-dataset.js";
import { keepFeaturesCommand } from "./keep-features.js";
import { loadSeriesCommand } from "./load-series.js";
import { synthCommand } from "./synth.js";

const SUBCOMMANDS: readonly Command[] = [synthCommand, loadSeriesCommand, buildDatasetCommand, keepFeaturesCommand];

const DATA_HELP = `Usage: netflowgen data <subcommand> [options]

Subcommands:
${SUBCOMMANDS.map((c) => `  ${c.name.padEnd(14)} ${c.summary}`).join("\n")}

Run \`netflowgen data <subcommand> --help\` for its options.`;

export const dataCommand: Command = {
  name: "data",
  summary: `data tools: ${SUBCOMMANDS.map((c) => c.name).join(", ")}`,
  help: DATA_HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === "--help" || sub === "-h") {
      io.out(DATA_HELP);
      return sub === undefined ? 2 : 0;
    }
    const command = SUBCOMMANDS.find((c) => c.name === sub);
    if (!command) throw new UsageError(`unknown data subcommand ${JSON.stringify(sub)}; expected one of ${SUBCOMMANDS.map((c) => c.name).join(", ")}`);
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out(command.help);
      return 0;
    }
    return command.run(rest, io);
  },
};
