/** @module `netflowgen pretrain`: pre-trains the decoder on a dataset (or minute archives) with progress, per-epoch validation next to the bigram baseline, checkpoints and log.json. */
import { parseArgs } from "node:util";
import { DEFAULT_WINDOW } from "../data/dataset/build.js";
import { BACKEND_NAMES, BackendUnavailableError } from "../train/backends.js";
import { engineModelFactory } from "../train/engine-model.js";
import { DataError, OptionsError } from "../train/errors.js";
import { pretrain, type PretrainOptions } from "../train/pretrain.js";
import { barProgress, lineProgress } from "../train/progress.js";
import { UsageError, type CliIo, type Command } from "./command.js";

const HELP = `Usage: netflowgen pretrain (--data DIR | --archives DIR) --out DIR [options]

Pre-trains the decoder (docs/model.md) by next-minute prediction on random windows of random
length T ∈ [min-t, max-t] from random nodes of the train split; each epoch evaluates val loss,
PPL and accuracy next to the bigram baseline of paper Table 4, writes OUT/last.ckpt, OUT/best.ckpt
(lowest val loss) and OUT/log.json. The data is checked before training starts. Deterministic for
a seed on the reference and cpu backends. An epoch is round(train targets / (batch × mean T))
steps: about one pass over the train minutes.

Options:
  --data DIR           a dataset built by \`netflowgen data build\` (manifest.json, <split>.windows.bin)
  --archives DIR       or minute archives (*.nfga): the dataset is built in memory
  --window N           with --archives: minutes per window (default ${DEFAULT_WINDOW})
  --stride N           with --archives: minutes between window starts (default: the window)
  --out DIR            output directory (checkpoints, log.json)
  --config C           paper | tiny | medium | large | FILE.json (ModelConfig fields, optional "preset") (default paper)
  --backend B          ${BACKEND_NAMES.join(" | ")} (default reference)
  --threads N          worker threads of the cpu backend
  --batch N            windows per batch (default 16)
  --min-t N, --max-t N window lengths (default 256, 512; capped by the model's maxT and the data)
  --epochs N           epochs (default 100)
  --max-steps N        stop after this many optimizer steps in all
  --epoch-steps N      steps per epoch (evaluation + checkpoint); default: about one pass over the train minutes
  --lr X               Adam learning rate (default 5e-4)
  --dropout P          residual dropout (default: the config's, 0.3 for paper)
  --seed N             init and sampling seed (default 0)
  --resume PATH        continue from a checkpoint (params, Adam moments, step, sampler RNG; OUT/log.json is continued)
  --eval-windows N     evaluate on at most N val windows (evenly spaced; default all)
  --eval-batch N       windows per evaluation batch (default: --batch)
  --log-every N        keep every Nth step's loss in log.json (default 1)
  --print-every N      without a progress bar: a line every N steps (default 10)
  --quiet              no progress bar (lines instead)
  -h, --help           this text`;

const OPTIONS = {
  data: { type: "string" },
  archives: { type: "string" },
  window: { type: "string" },
  stride: { type: "string" },
  out: { type: "string" },
  config: { type: "string" },
  backend: { type: "string" },
  threads: { type: "string" },
  batch: { type: "string" },
  "min-t": { type: "string" },
  "max-t": { type: "string" },
  epochs: { type: "string" },
  "max-steps": { type: "string" },
  "epoch-steps": { type: "string" },
  lr: { type: "string" },
  dropout: { type: "string" },
  seed: { type: "string" },
  resume: { type: "string" },
  "eval-windows": { type: "string" },
  "eval-batch": { type: "string" },
  "log-every": { type: "string" },
  "print-every": { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function int(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === "" || !Number.isInteger(v) || v < min) throw new UsageError(`--${flag} ${JSON.stringify(text)} is not an integer ≥ ${min}`);
  return v;
}

function num(flag: string, text: string | undefined, ok: (x: number) => boolean, rule: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || !ok(v)) throw new UsageError(`--${flag} ${JSON.stringify(text)} must be ${rule}`);
  return v;
}

export interface PretrainArgs {
  readonly options: PretrainOptions;
  readonly quiet: boolean;
  readonly printEvery: number;
}

export function pretrainArgs(argv: string[]): PretrainArgs | "help" {
  const { values: v } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  if (v.help) return "help";
  if ((v.data === undefined) === (v.archives === undefined)) throw new UsageError("give exactly one of --data DIR or --archives DIR");
  if (v.data !== undefined && (v.window !== undefined || v.stride !== undefined)) throw new UsageError("--window and --stride are for --archives (a dataset directory has its windows)");
  if (!v.out) throw new UsageError("--out DIR is required");
  const backend = v.backend ?? "reference";
  if (!(BACKEND_NAMES as readonly string[]).includes(backend)) throw new UsageError(`--backend ${JSON.stringify(backend)}: expected one of ${BACKEND_NAMES.join(", ")}`);
  const window = int("window", v.window, 2);
  const stride = int("stride", v.stride, 1);
  const threads = int("threads", v.threads, 1);
  const minT = int("min-t", v["min-t"], 1);
  const maxT = int("max-t", v["max-t"], 1);
  const maxSteps = int("max-steps", v["max-steps"], 1);
  const epochSteps = int("epoch-steps", v["epoch-steps"], 1);
  const dropout = num("dropout", v.dropout, (x) => x >= 0 && x < 1, "in [0, 1)");
  const evalWindows = int("eval-windows", v["eval-windows"], 1);
  const evalBatch = int("eval-batch", v["eval-batch"], 1);
  const options: PretrainOptions = {
    data: { ...(v.data !== undefined ? { dir: v.data } : {}), ...(v.archives !== undefined ? { archives: v.archives } : {}), ...(window !== undefined ? { window } : {}), ...(stride !== undefined ? { stride } : {}) },
    backend,
    ...(threads !== undefined ? { threads } : {}),
    config: v.config ?? "paper",
    batch: int("batch", v.batch, 1) ?? 16,
    ...(minT !== undefined ? { minT } : {}),
    ...(maxT !== undefined ? { maxT } : {}),
    epochs: int("epochs", v.epochs, 1) ?? 100,
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(epochSteps !== undefined ? { epochSteps } : {}),
    lr: num("lr", v.lr, (x) => x > 0, "a number > 0") ?? 5e-4,
    ...(dropout !== undefined ? { dropout } : {}),
    seed: int("seed", v.seed, 0) ?? 0,
    out: v.out,
    ...(v.resume !== undefined ? { resume: v.resume } : {}),
    ...(evalWindows !== undefined ? { evalWindows } : {}),
    ...(evalBatch !== undefined ? { evalBatch } : {}),
    logEvery: int("log-every", v["log-every"], 1) ?? 1,
  };
  return { options, quiet: v.quiet ?? false, printEvery: int("print-every", v["print-every"], 1) ?? 10 };
}

export const pretrainCommand: Command = {
  name: "pretrain",
  summary: "pre-train the decoder on a dataset: progress, val loss/PPL/accuracy vs the bigram, checkpoints, log.json",
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = pretrainArgs(argv);
    if (args === "help") {
      io.out(HELP);
      return 0;
    }
    const useBar = !args.quiet && process.stderr.isTTY === true;
    const progress = useBar ? barProgress() : lineProgress((t) => io.out(t), args.printEvery);
    try {
      const r = await pretrain(args.options, { factory: engineModelFactory, write: (t) => progress.log(t), progress });
      const last = r.log.epochs.at(-1);
      io.out(`done: ${r.log.runs.at(-1)?.toStep ?? 0} steps; ${last ? `val loss ${last.val.loss.toFixed(4)} (bigram ${r.log.bigram.loss.toFixed(4)})` : "no evaluation"}; wrote ${r.logPath}, ${r.lastCheckpoint}, ${r.bestCheckpoint}`);
      return 0;
    } catch (err) {
      if (err instanceof OptionsError) throw new UsageError(err.message);
      if (err instanceof DataError) {
        io.err(`netflowgen pretrain: bad data (${err.code}): ${err.message}`);
        return 1;
      }
      if (err instanceof BackendUnavailableError) {
        io.err(`netflowgen pretrain: ${err.message}`);
        return 1;
      }
      throw err;
    }
  },
};
