/** @module Everything decided before training starts: data loaded and checked, model config, window lengths, the epoch schedule, the bigram baseline. Every data error is thrown here. */
import { DEFAULT_WINDOW } from "../data/dataset/build.js";
import type { ModelConfig } from "../engine/model/config.js";
import { loadArchives } from "./archives.js";
import { bigramBaseline, type Metrics } from "./bigram.js";
import { loadDatasetDir, type TrainData } from "./data.js";
import { DataError, OptionsError } from "./errors.js";
import { evalSubset } from "./eval-batches.js";
import { resolveModelConfig } from "./model-config.js";
import { longestSegment, segmentsOf, targetCount, type Segment } from "./segments.js";
import type { WindowRecord } from "../data/dataset/windows-file.js";

export interface DataSource {
  /** a dataset directory (manifest.json + window files) */
  readonly dir?: string;
  /** or minute archives, built in memory */
  readonly archives?: string;
  readonly window?: number;
  readonly stride?: number;
}

export interface PlanOptions {
  readonly data: DataSource;
  /** preset or JSON file */
  readonly config: string;
  /** when resuming: the checkpoint's config wins over `config` (nodes/customers must match the data) */
  readonly checkpointConfig?: ModelConfig;
  readonly dropout?: number;
  readonly batch: number;
  readonly minT?: number;
  readonly maxT?: number;
  readonly epochs: number;
  readonly maxSteps?: number;
  /** steps per epoch instead of the derived one (evaluate and checkpoint more or less often) */
  readonly epochSteps?: number;
  readonly evalWindows?: number;
}

export interface Plan {
  readonly data: TrainData;
  readonly config: ModelConfig;
  readonly segments: Segment[];
  readonly evalWindows: WindowRecord[];
  readonly minT: number;
  readonly maxT: number;
  /** eval chunk length: min(config.maxT, W − 1) */
  readonly evalT: number;
  /** train targets (Σ run length − 1) */
  readonly trainTargets: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly bigram: Metrics;
  readonly notes: string[];
}

function loadData(src: DataSource): TrainData {
  if ((src.dir === undefined) === (src.archives === undefined)) throw new OptionsError("give exactly one of --data DIR or --archives DIR");
  if (src.dir !== undefined) return loadDatasetDir(src.dir);
  return loadArchives(src.archives!, { window: src.window ?? DEFAULT_WINDOW, ...(src.stride !== undefined ? { stride: src.stride } : {}) });
}

/**
 * Window lengths: defaults min(512, maxT of the model) and min(256, ⌈max/2⌉) (paper: T ∈ [256, 512]),
 * shortened to the longest train run − 1 (a crop needs T+1 minutes) with a note; explicit values that
 * do not fit are an error.
 */
function windowLengths(o: PlanOptions, config: ModelConfig, longest: number, notes: string[]): { minT: number; maxT: number } {
  const room = longest - 1;
  if (room < 1) throw new DataError("too-short", "the train runs are shorter than 2 minutes: nothing to predict");
  if (o.maxT !== undefined && o.maxT > config.maxT) throw new OptionsError(`--max-t ${o.maxT} is longer than the model's maxT ${config.maxT}`);
  if (o.maxT !== undefined && o.maxT > room) throw new DataError("too-short", `--max-t ${o.maxT} needs ${o.maxT + 1} consecutive train minutes; the longest train run has ${longest}`);
  let maxT = o.maxT ?? Math.min(512, config.maxT);
  if (maxT > room) {
    notes.push(`max T shortened from ${maxT} to ${room}: the longest train run has ${longest} minutes`);
    maxT = room;
  }
  let minT = o.minT ?? Math.min(256, Math.ceil(maxT / 2));
  if (o.minT === undefined && minT > maxT) minT = maxT;
  if (minT < 1 || minT > maxT) throw new OptionsError(`--min-t ${minT} must be in [1, ${maxT}] (the max T)`);
  return { minT, maxT };
}

/** Loads and checks everything; throws DataError / OptionsError before any model exists. */
export function makePlan(o: PlanOptions): Plan {
  if (!(Number.isInteger(o.batch) && o.batch >= 1)) throw new OptionsError(`--batch ${o.batch} must be an integer ≥ 1`);
  if (!(Number.isInteger(o.epochs) && o.epochs >= 1)) throw new OptionsError(`--epochs ${o.epochs} must be an integer ≥ 1`);
  const data = loadData(o.data);
  const sizes = { nodes: data.nodes.length, customers: data.customers.length };
  let config: ModelConfig;
  if (o.checkpointConfig !== undefined) {
    config = o.checkpointConfig;
    if (config.nodes !== sizes.nodes || config.customers !== sizes.customers)
      throw new DataError("bad-manifest", `the checkpoint's model has ${config.nodes} nodes and ${config.customers} customers, the data ${sizes.nodes} and ${sizes.customers}: not the dataset it was trained on`);
  } else config = resolveModelConfig(o.config, sizes, o.dropout);
  const notes: string[] = [];
  const segments = segmentsOf(data.train, data.window, data.stepMinutes ?? 1);
  const { minT, maxT } = windowLengths(o, config, longestSegment(segments), notes);
  const trainTargets = targetCount(segments);
  const stepsPerEpoch = o.epochSteps ?? Math.max(1, Math.round(trainTargets / (o.batch * ((minT + maxT) / 2))));
  const totalSteps = Math.min(o.epochs * stepsPerEpoch, o.maxSteps ?? Number.POSITIVE_INFINITY);
  const evalWindows = evalSubset(data.val, o.evalWindows);
  const bigram = bigramBaseline(
    segments.map((s) => ({ bins: s.bins, minutes: s.length })),
    evalWindows.map((w) => ({ bins: w.bins, minutes: data.window })),
  );
  return { data, config, segments, evalWindows, minT, maxT, evalT: Math.min(config.maxT, data.window - 1), trainTargets, stepsPerEpoch, totalSteps, bigram, notes };
}
