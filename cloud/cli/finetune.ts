/** @module `netflowgen finetune`: survival heads on a frozen pre-trained backbone (or the from-scratch baseline) from labelled EarlyDetect examples; τ on validation, test metrics, head.onnx and the model manifest. */
import { parseArgs } from "node:util";
import { CheckpointError } from "../engine/checkpoint/errors.js";
import { FinetuneError } from "../finetune/errors.js";
import { finetune, FINETUNE_DEFAULTS, type FinetuneOptions } from "../finetune/finetune.js";
import { LSTM_DEFAULTS } from "../finetune/lstm/config.js";
import { BACKEND_NAMES, BackendUnavailableError } from "../train/backends.js";
import { OptionsError } from "../train/errors.js";
import { TAU_OBJECTIVES, type TauObjective } from "../detect/operating-point.js";
import { UsageError, type CliIo, type Command } from "./command.js";

const D = FINETUNE_DEFAULTS;

const HELP = `Usage: netflowgen finetune --data DIR --checkpoint CK --out DIR [options]
       netflowgen finetune --data DIR --from-scratch [--config C] --out DIR [options]
       netflowgen finetune --data DIR --model lstm --out DIR [--lstm-hidden H] [--lstm-scales 1,5,15] [options]

Fine-tunes early DDoS detection (docs/detection.md, PAPER-NOTES §7–8). The backbone is frozen: its
last-layer hidden states over the EarlyDetect windows are computed once per backbone and dataset and
cached (DATA/.hidden-cache). N labelled examples are drawn from the validation split (balanced
attacks / non-attacks, seeded; all of them when it has fewer), multi-task survival heads ("all" and
one per attack type with enough attacks, plus the type classifier) are trained on them with the
SAFE loss, τ is chosen on the same examples under the overhead bound, and the test split is scored.
Writes OUT/run.json (metrics, sizes, seeds, wall times), head-*.f32 + heads.json, head.onnx
(checked in onnxruntime-node against the engine), cutoffs.nfgc and the model manifest model.json /
model.nfgm. Also trains our Table 9 variant: the same head on raw bins (6 volume features; all 86).

--from-scratch is the paper's "Transformer from scratch" baseline: the same decoder (the
checkpoint's config when --checkpoint is given, else --config), freshly initialized, trained end
to end with the head on the SAFE loss. --label-split train --labels 1800 draws the 5× labels from
the train split (τ is still chosen on the validation examples).

--model lstm is Xatu's Multiscale-LSTM baseline (cloud/finetune/lstm): the same inputs (86 binned
features + time, embedded), average-pooled to several timescales, one LSTM per scale, each minute
reading every scale's latest completed state, and the same survival head, trained end to end on the
SAFE loss with the --scratch-* options on the same labels; τ and the test metrics as for the others.
No checkpoint is needed; no model manifest is written (it is not an edge model).

Options:
  --data DIR          a dataset of \`netflowgen data build\` with EarlyDetect examples
  --checkpoint CK     a pre-training checkpoint (OUT/best.ckpt of \`netflowgen pretrain\`)
  --config C          without --checkpoint: paper | tiny | medium | large | FILE.json (default paper)
  --out DIR           output directory
  --labels N          labelled examples (default ${D.labels}, the paper's)
  --label-split S     val | train (default val)
  --seed N            label draw, head init and batch order (default ${D.seed})
  --backend B         ${BACKEND_NAMES.join(" | ")} (default ${D.backend}): runs the backbone
  --head-backend B    where the heads' MLPs train and run: ${BACKEND_NAMES.join(" | ")} | js (default ${D.headBackend};
                      js = the plain-JS reference path; the --backend instance is reused when the same)
  --threads N         worker threads of the cpu backend
  --cache DIR         hidden-state cache (default DATA/.hidden-cache)
  --epochs N          head epochs (default ${D.head.epochs}); from scratch: --scratch-epochs (default ${D.scratch.epochs})
  --lr X              head learning rate (default ${D.head.lr}); from scratch: --scratch-lr (default ${D.scratch.lr})
  --batch N           examples per head step (default ${D.head.batch}); from scratch: --scratch-batch (default ${D.scratch.batch})
  --scratch-holdout F from scratch: hold this fraction of the labels (each class alike) out of training
                      and keep the epoch with the lowest SAFE loss on them (default 0: all labels, last epoch)
  --hidden-units N    the head's hidden layer (default ${D.head.hiddenUnits}, the paper's)
  --overhead-p P      overhead bound fraction (default ${D.bound.p})
  --overhead-level X  overhead level ō (default ${D.bound.level})
  --tau-objective O   what τ maximizes under the bound: effectiveness (default, the paper's rule) | f1;
                      the run records both, this one is the τ of head.onnx's manifest
  --min-attacks N     a type needs this many labelled attacks for its own head (default ${D.minAttacks})
  --hidden-batch N    windows per backbone forward (default ${D.hiddenBatch})
  --model M           transformer (default) | lstm (the Multiscale-LSTM baseline)
  --lstm-hidden N     LSTM hidden size per scale (default ${LSTM_DEFAULTS.H})
  --lstm-embed N      the input embedding width (default ${LSTM_DEFAULTS.E})
  --lstm-scales LIST  downsampling factors in minutes (default ${LSTM_DEFAULTS.scales.join(",")})
  --no-ablation       skip the raw-bin heads (Table 9 variant; never trained with --from-scratch)
  --name TEXT         the run's name in reports
  -h, --help          this text`;

const OPTIONS = {
  data: { type: "string" },
  checkpoint: { type: "string" },
  config: { type: "string" },
  out: { type: "string" },
  labels: { type: "string" },
  "label-split": { type: "string" },
  seed: { type: "string" },
  backend: { type: "string" },
  "head-backend": { type: "string" },
  threads: { type: "string" },
  cache: { type: "string" },
  epochs: { type: "string" },
  lr: { type: "string" },
  batch: { type: "string" },
  "hidden-units": { type: "string" },
  "scratch-epochs": { type: "string" },
  "scratch-lr": { type: "string" },
  "scratch-holdout": { type: "string" },
  "scratch-batch": { type: "string" },
  "overhead-p": { type: "string" },
  "overhead-level": { type: "string" },
  "tau-objective": { type: "string" },
  "min-attacks": { type: "string" },
  "hidden-batch": { type: "string" },
  "from-scratch": { type: "boolean" },
  "no-ablation": { type: "boolean" },
  model: { type: "string" },
  "lstm-hidden": { type: "string" },
  "lstm-embed": { type: "string" },
  "lstm-scales": { type: "string" },
  name: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function int(flag: string, text: string | undefined, min: number, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === "" || !Number.isInteger(v) || v < min) throw new UsageError(`--${flag} ${JSON.stringify(text)} is not an integer ≥ ${min}`);
  return v;
}

function tauObjective(text: string | undefined): TauObjective {
  if (text === undefined) return D.bound.objective;
  if (!(TAU_OBJECTIVES as readonly string[]).includes(text)) throw new UsageError(`--tau-objective ${JSON.stringify(text)}: expected one of ${TAU_OBJECTIVES.join(", ")}`);
  return text as TauObjective;
}

function num(flag: string, text: string | undefined, ok: (x: number) => boolean, rule: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || !ok(v)) throw new UsageError(`--${flag} ${JSON.stringify(text)} must be ${rule}`);
  return v;
}

export function finetuneArgs(argv: string[]): FinetuneOptions | "help" {
  const { values: v } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  if (v.help) return "help";
  if (!v.data) throw new UsageError("--data DIR is required");
  if (!v.out) throw new UsageError("--out DIR is required");
  const model = v.model ?? "transformer";
  if (model !== "transformer" && model !== "lstm") throw new UsageError(`--model ${JSON.stringify(model)}: expected transformer or lstm`);
  if (model === "lstm" && (v.checkpoint || v["from-scratch"])) throw new UsageError("--model lstm trains its own model from scratch: drop --checkpoint / --from-scratch");
  if (model !== "lstm" && (v["lstm-hidden"] || v["lstm-embed"] || v["lstm-scales"])) throw new UsageError("--lstm-* options need --model lstm");
  const scales = v["lstm-scales"] === undefined ? undefined : v["lstm-scales"].split(",").map((x) => int("lstm-scales", x, 1, 1));
  if (!v.checkpoint && !v["from-scratch"] && !v.config && model !== "lstm") throw new UsageError("give --checkpoint CK (the pre-trained backbone), or --from-scratch, or --config C for an untrained backbone");
  if (v.checkpoint && v.config) throw new UsageError("--config is for runs without --checkpoint (the checkpoint has its config)");
  const backend = v.backend ?? D.backend;
  if (!(BACKEND_NAMES as readonly string[]).includes(backend)) throw new UsageError(`--backend ${JSON.stringify(backend)}: expected one of ${BACKEND_NAMES.join(", ")}`);
  const headBackend = v["head-backend"] ?? D.headBackend;
  if (!([...BACKEND_NAMES, "js"] as readonly string[]).includes(headBackend)) throw new UsageError(`--head-backend ${JSON.stringify(headBackend)}: expected one of ${BACKEND_NAMES.join(", ")}, js`);
  const labelSplit = v["label-split"] ?? "val";
  if (labelSplit !== "val" && labelSplit !== "train") throw new UsageError(`--label-split ${JSON.stringify(labelSplit)}: expected val or train`);
  const threads = v.threads === undefined ? undefined : int("threads", v.threads, 1, 1);
  const hiddenUnits = int("hidden-units", v["hidden-units"], 1, D.head.hiddenUnits);
  return {
    data: v.data,
    ...(v.checkpoint ? { checkpoint: v.checkpoint } : {}),
    ...(v.config ? { config: v.config } : {}),
    out: v.out,
    labels: int("labels", v.labels, 1, D.labels),
    labelSplit,
    seed: int("seed", v.seed, 0, D.seed),
    backend,
    headBackend,
    ...(threads !== undefined ? { threads } : {}),
    ...(v.cache ? { cacheDir: v.cache } : {}),
    head: { epochs: int("epochs", v.epochs, 1, D.head.epochs), lr: num("lr", v.lr, (x) => x > 0, "> 0", D.head.lr), batch: int("batch", v.batch, 1, D.head.batch), hiddenUnits },
    scratch: {
      epochs: int("scratch-epochs", v["scratch-epochs"], 1, D.scratch.epochs),
      lr: num("scratch-lr", v["scratch-lr"], (x) => x > 0, "> 0", D.scratch.lr),
      batch: int("scratch-batch", v["scratch-batch"], 1, D.scratch.batch),
      hiddenUnits,
      holdout: num("scratch-holdout", v["scratch-holdout"], (x) => x >= 0 && x < 1, "in [0, 1)", 0),
    },
    bound: { p: num("overhead-p", v["overhead-p"], (x) => x > 0 && x <= 1, "in (0, 1]", D.bound.p), level: num("overhead-level", v["overhead-level"], (x) => x >= 0, "≥ 0", D.bound.level), objective: tauObjective(v["tau-objective"]) },
    hiddenBatch: int("hidden-batch", v["hidden-batch"], 1, D.hiddenBatch),
    fromScratch: v["from-scratch"] ?? false,
    minAttacks: int("min-attacks", v["min-attacks"], 1, D.minAttacks),
    ablation: !(v["no-ablation"] ?? false),
    ...(v.name ? { name: v.name } : {}),
    ...(model === "lstm"
      ? { model, lstm: { H: int("lstm-hidden", v["lstm-hidden"], 1, LSTM_DEFAULTS.H), E: int("lstm-embed", v["lstm-embed"], 1, LSTM_DEFAULTS.E), scales: scales ?? LSTM_DEFAULTS.scales } }
      : {}),
  };
}

export const finetuneCommand: Command = {
  name: "finetune",
  summary: "fine-tune early DDoS detection heads on a frozen backbone (or the from-scratch baseline); τ, test metrics, head.onnx, model manifest",
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = finetuneArgs(argv);
    if (args === "help") {
      io.out(HELP);
      return 0;
    }
    try {
      await finetune(args, (line) => io.err(line));
      return 0;
    } catch (err) {
      if (err instanceof FinetuneError) io.err(`netflowgen finetune: ${err.code}: ${err.message}`);
      else if (err instanceof CheckpointError || err instanceof BackendUnavailableError || err instanceof OptionsError) io.err(`netflowgen finetune: ${err.message}`);
      else throw err;
      return 1;
    }
  },
};
