/** @module The training log (`log.json`): config, seed, data summary, sampled step losses, per-epoch metrics next to the bigram, wall times; written atomically. */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Metrics } from "./bigram.js";

export const LOG_FORMAT = "netflowgen.pretrain-log";

export interface StepRecord {
  readonly step: number;
  readonly epoch: number;
  readonly T: number;
  readonly loss: number;
}

export interface EpochRecord {
  /** 1-based epoch this evaluation closes */
  readonly epoch: number;
  /** optimizer steps done */
  readonly step: number;
  /** true when the run stopped (--max-steps) before the epoch's end */
  readonly partial: boolean;
  /** mean training loss over the epoch's steps (this run's part of it) */
  readonly trainLoss: number;
  readonly val: Metrics;
  readonly best: boolean;
  /** seconds since this run started, and of this evaluation */
  readonly wallS: number;
  readonly evalS: number;
  readonly tokensPerS: number;
}

export interface TrainLog {
  readonly format: typeof LOG_FORMAT;
  readonly version: 1;
  readonly seed: number;
  readonly options: Record<string, unknown>;
  readonly model: Record<string, unknown>;
  readonly data: Record<string, unknown>;
  readonly bigram: Metrics;
  readonly schedule: Record<string, unknown>;
  steps: StepRecord[];
  epochs: EpochRecord[];
  /** one entry per process that worked on this run (a resume adds one) */
  runs: { startedAt: string; fromStep: number; toStep: number; wallS: number }[];
  done: boolean;
}

/** Writes JSON to a temporary file, then renames it over `path`: a reader sees the old or the new file, never a half. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`);
  renameSync(tmp, path);
}

/** A previous log to continue (resume), cut back to what the checkpoint at `step` had seen. */
export function readLogUpTo(path: string, step: number): TrainLog | undefined {
  if (!existsSync(path)) return undefined;
  const log = JSON.parse(readFileSync(path, "utf8")) as TrainLog;
  if (log.format !== LOG_FORMAT) return undefined;
  log.steps = log.steps.filter((s) => s.step <= step);
  log.epochs = log.epochs.filter((e) => e.step <= step && !e.partial);
  return log;
}
