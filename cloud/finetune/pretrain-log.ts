/** @module Reading pre-training's log.json (cloud/train/log.ts, format netflowgen.pretrain-log v1) for paper Table 4 and the loss curves of the report. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Metrics } from "../train/bigram.js";
import { LOG_FORMAT, type TrainLog } from "../train/log.js";
import { FinetuneError } from "./errors.js";

/** log.json next to a checkpoint (pre-training writes both into its --out), or null. */
export function pretrainLogNextTo(checkpoint: string): string | null {
  const p = join(dirname(checkpoint), "log.json");
  return existsSync(p) ? p : null;
}

export interface PretrainSummary {
  readonly path: string;
  readonly seed: number;
  readonly model: Record<string, unknown>;
  readonly data: Record<string, unknown>;
  /** the epoch with the lowest val loss (the best.ckpt one), or null before any evaluation */
  readonly best: { readonly epoch: number; readonly step: number; readonly trainLoss: number; readonly val: Metrics } | null;
  readonly bigram: Metrics;
  readonly epochs: number;
  readonly steps: number;
  /** Σ of the runs' wall seconds (a resumed run has several) */
  readonly wallSeconds: number;
  readonly done: boolean;
  /** (step, loss) of the logged training steps; (step, val loss) per evaluation */
  readonly trainCurve: readonly [number, number][];
  readonly valCurve: readonly [number, number][];
}

/** Reads and checks a pre-training log. */
export function readPretrainLog(path: string): PretrainSummary {
  if (!existsSync(path)) throw new FinetuneError("missing", `${path}: no pre-training log`);
  let log: TrainLog;
  try {
    log = JSON.parse(readFileSync(path, "utf8")) as TrainLog;
  } catch (err) {
    throw new FinetuneError("bad-run", `${path}: not JSON (${(err as Error).message})`);
  }
  if (log.format !== LOG_FORMAT || log.version !== 1 || !Array.isArray(log.epochs) || !Array.isArray(log.steps)) throw new FinetuneError("bad-run", `${path}: not a ${LOG_FORMAT} v1 log`);
  let best: PretrainSummary["best"] = null;
  for (const e of log.epochs) if (best === null || e.val.loss < best.val.loss) best = { epoch: e.epoch, step: e.step, trainLoss: e.trainLoss, val: e.val };
  return {
    path,
    seed: log.seed,
    model: log.model,
    data: log.data,
    best,
    bigram: log.bigram,
    epochs: log.epochs.length,
    steps: log.steps.length === 0 ? 0 : log.steps[log.steps.length - 1]!.step,
    wallSeconds: (log.runs ?? []).reduce((s, r) => s + r.wallS, 0),
    done: log.done,
    trainCurve: log.steps.map((s) => [s.step, s.loss] as [number, number]),
    valCurve: log.epochs.map((e) => [e.step, e.val.loss] as [number, number]),
  };
}
