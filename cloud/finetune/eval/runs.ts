/** @module Reading fine-tuning run directories (run.json of `netflowgen finetune`) for `netflowgen eval`, with the fields the tables and plots use. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DetectionMetrics } from "../../detect/metrics.js";
import type { TauObjective } from "../../detect/operating-point.js";
import { FinetuneError } from "../errors.js";
import { RUN_FORMAT } from "../finetune.js";

/** DetectionMetrics as read back from JSON: NaN ratios were written as null. */
export type JsonMetrics = { readonly [K in keyof DetectionMetrics]: DetectionMetrics[K] extends number ? number | null : DetectionMetrics[K] extends object ? { readonly [J in keyof DetectionMetrics[K]]: number | null } : DetectionMetrics[K] };

export interface JsonSurvivalEvaluation {
  readonly tau: number;
  readonly bound: { readonly p: number; readonly level: number; readonly objective?: TauObjective };
  readonly validation: JsonMetrics;
  readonly feasible: number;
  readonly test: { readonly overall: JsonMetrics; readonly byType: Record<string, JsonMetrics> } | null;
}

export interface JsonMultiTask {
  readonly all: JsonSurvivalEvaluation;
  readonly perTypeHead: Record<string, JsonSurvivalEvaluation>;
}

/** A run's evaluation with τ chosen for `objective`, or null when the run did not record it. */
export function evaluationFor(r: RunRecord, objective: TauObjective): JsonMultiTask | null {
  const own = r.evaluations?.[objective];
  if (own !== undefined) return own;
  return (r.evaluation.all.bound.objective ?? "effectiveness") === objective ? r.evaluation : null;
}

export interface RunRecord {
  readonly dir: string;
  readonly name: string;
  readonly kind: "finetune" | "scratch" | "lstm";
  /** the Multiscale-LSTM baseline's configuration (kind "lstm"; absent in older runs) */
  readonly lstm?: { readonly config: { readonly E: number; readonly H: number; readonly scales: readonly number[] }; readonly parameters: number } | null;
  readonly seed: number;
  readonly backend: string;
  readonly data: { readonly dir: string; readonly window: number; readonly counts: Record<string, { examples: number; attacks: number }> };
  readonly backbone: { readonly id: string; readonly checkpoint: string | null; readonly fresh: boolean; readonly config: Record<string, number>; readonly pretrainLog: string | null };
  readonly labels: { readonly split: string; readonly asked: number; readonly used: number; readonly attacks: number; readonly nonAttacks: number; readonly notes: string[] };
  readonly heads: Record<string, { H: number; C: number }>;
  /** the run's primary τ objective (evaluation.all.bound.objective; runs before it existed: effectiveness) */
  readonly evaluation: JsonMultiTask;
  /** every τ objective (runs before 2026-12-07 have only `evaluation`) */
  readonly evaluations?: Partial<Record<TauObjective, JsonMultiTask>>;
  readonly testOutcomes: readonly { id: number; type: string; label: 0 | 1; onset: number | null; detection: number | null; effectiveness: number | null; overhead: number; mitigation: number | null }[];
  readonly exampleCurves: readonly { id: number; type: string; node: string; onset: number | null; detection: number | null; survival: number[] }[];
  readonly ablation: Record<string, JsonSurvivalEvaluation & { features: number; byObjective?: Partial<Record<TauObjective, JsonSurvivalEvaluation>> }> | null;
  readonly onnx: { readonly maxAbsDiffHazard: number; readonly maxAbsDiffSurvival: number; readonly ok: boolean };
  readonly options: { readonly head: { epochs: number; hiddenUnits: number }; readonly scratch: { epochs: number; lr?: number; holdout?: number } };
  /** per-head epoch logs; a from-scratch run with a holdout also names the epoch it kept and how many labels were held out */
  readonly training?: { readonly bestEpoch?: number; readonly heldOut?: number };
  readonly wallSeconds: Record<string, number>;
}

export function readRun(dir: string): RunRecord {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FinetuneError("missing", `${dir}: no such run directory`);
  const path = join(dir, "run.json");
  if (!existsSync(path)) throw new FinetuneError("bad-run", `${path}: no run.json (write one with \`netflowgen finetune --out ${dir}\`)`);
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (err) {
    throw new FinetuneError("bad-run", `${path}: not JSON (${(err as Error).message})`);
  }
  if (r.format !== RUN_FORMAT || r.version !== 1) throw new FinetuneError("bad-run", `${path}: format ${JSON.stringify(r.format)} v${String(r.version)}, expected ${RUN_FORMAT} v1`);
  const ev = r.evaluation as RunRecord["evaluation"] | undefined;
  if (ev?.all?.test === null || ev?.all?.test === undefined) throw new FinetuneError("bad-run", `${path}: no test evaluation`);
  return { ...(r as unknown as RunRecord), dir };
}
