/** @module `netflowgen eval`: fine-tuning runs → Markdown tables in the layout of paper Tables 4, 5, 6 and 9, a self-contained HTML report with plots, and summary.json. */
import { parseArgs } from "node:util";
import { FinetuneError } from "../finetune/errors.js";
import { evaluateRuns } from "../finetune/eval/report.js";
import { UsageError, type CliIo, type Command } from "./command.js";

const HELP = `Usage: netflowgen eval --runs DIR [DIR ...] --out REPORT_DIR [options]

Reads the run directories of \`netflowgen finetune\` (OUT/run.json) and the pre-training log.json next
to each run's checkpoint, and writes REPORT_DIR/tables.md (paper Tables 4, 5, 6 and our Table 9
variant, each with sizes, seeds and wall-clock times), REPORT_DIR/report.html (self-contained:
effectiveness and mitigation-time distributions per model, survival curves of example attacks
against their onset, pre-training loss curves) and REPORT_DIR/summary.json.

Options:
  --runs DIR ...        run directories (repeat --runs, or list them after one --runs)
  --out DIR             report directory
  --pretrain-log PATH   another pre-training log.json for Table 4 (repeatable)
  --threshold-data DIR  add the static-threshold baseline, tuned and scored on this dataset (reads DIR/archives)
  --title TEXT          report title
  -h, --help            this text`;

const OPTIONS = {
  runs: { type: "string", multiple: true },
  out: { type: "string" },
  "pretrain-log": { type: "string", multiple: true },
  "threshold-data": { type: "string" },
  title: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const evalCommand: Command = {
  name: "eval",
  summary: "tables (paper Tables 4, 5, 6, 9) and an HTML report from fine-tuning runs",
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values: v, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
    if (v.help) {
      io.out(HELP);
      return 0;
    }
    // `--runs a b c`: parseArgs gives a to --runs and b, c as positionals
    if (positionals.length > 0 && v.runs === undefined) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const runs = [...(v.runs ?? []), ...positionals];
    if (runs.length === 0) throw new UsageError("--runs DIR is required");
    if (!v.out) throw new UsageError("--out DIR is required");
    try {
      const r = evaluateRuns({ runs, out: v.out, ...(v["pretrain-log"] ? { pretrainLogs: v["pretrain-log"] } : {}), ...(v["threshold-data"] ? { thresholdData: v["threshold-data"] } : {}), ...(v.title ? { title: v.title } : {}) });
      io.out(r.tables);
      io.err(`wrote ${r.files.map((f) => `${v.out}/${f}`).join(", ")}`);
      return 0;
    } catch (err) {
      if (err instanceof FinetuneError) {
        io.err(`netflowgen eval: ${err.code}: ${err.message}`);
        return 1;
      }
      throw err;
    }
  },
};
