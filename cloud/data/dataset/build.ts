/** @module The dataset builder: dense node series → time split, train-only cutoffs, unseen-node mapping, binned windows per split, EarlyDetect examples; written as manifest.json, cutoffs.nfgc and window files. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applySeries } from "../../../shared/binning/apply.js";
import { fitCutoffs } from "../../../shared/binning/fit.js";
import { emptyNodeCutoffs, MAX_CUTOFFS, type CutoffTable, type NodeCutoffs } from "../../../shared/binning/types.js";
import { buildUnseenNodeIndex, nearestTrainingNode } from "../../../shared/binning/unseen.js";
import { BIN_COUNT, FEATURE_COUNT, FEATURE_SCHEMA_HASH, FEATURE_SCHEMA_HASH_HEX } from "../../../shared/features/catalogue.js";
import { encodeCutoffTable } from "../../../shared/wire/cutoffs.js";
import { DEFAULT_CLIP_SIGMA, DEFAULT_H_SIGMA, DEFAULT_K_SIGMA, DEFAULT_MIN_SIGMA } from "../cusum.js";
import { buildEarlyDetect, EARLY_DEFAULTS, type AttackLabelInput, type EarlyExample, type EarlyResult } from "./early.js";
import { minuteAt, presentIn, seriesSteps, sliceCounters, type GatheredSeries, type NodeSeries } from "./series.js";
import { DEFAULT_FRACTIONS, SPLITS, splitRanges, windowStarts, type SplitName, type SplitRange } from "./split.js";
import { encodeWindows, type WindowRecord } from "./windows-file.js";

export const DEFAULT_WINDOW = 512;

export interface BuildOptions {
  /** minutes per window (default 512) */
  readonly window?: number;
  /** minutes between window starts (default = window: non-overlapping) */
  readonly stride?: number;
  readonly fractions?: readonly [number, number, number];
  /** attack labels for EarlyDetect (none: no EarlyDetect examples) */
  readonly labels?: readonly AttackLabelInput[];
  /** seeds the non-attack window draw */
  readonly seed?: number;
  /** free-form provenance recorded in the manifest (source kind, files, scenario seed) */
  readonly source?: Record<string, unknown>;
  /** the tenant's offset from UTC in minutes, for the time features (default 0: UTC) */
  readonly utcOffsetMinutes?: number;
}

export interface UnseenMapping {
  readonly node: string;
  readonly mappedTo: string;
  readonly distance: number;
  /** the split whose minutes gave the node's signature (the first one it has rows in) */
  readonly signatureSplit: SplitName;
}

export interface SplitWindows {
  readonly range: SplitRange;
  readonly windows: WindowRecord[];
  /** nodes with at least one window */
  readonly nodes: number;
}

export interface DatasetBuild {
  readonly data: GatheredSeries;
  readonly window: number;
  readonly stride: number;
  readonly fractions: readonly [number, number, number];
  readonly ranges: SplitRange[];
  readonly trainNodes: string[];
  readonly cutoffs: CutoffTable;
  readonly unseen: UnseenMapping[];
  readonly splits: SplitWindows[];
  readonly early: EarlyResult | null;
  /** early examples' bins, per split, in the order of their ids */
  readonly earlyWindows: Record<SplitName, WindowRecord[]>;
  readonly masked: boolean;
  readonly seed: number;
  readonly source: Record<string, unknown>;
  /** the tenant's offset from UTC in minutes: what the time features of each minute are computed in */
  readonly utcOffsetMinutes: number;
}

/**
 * Algorithm 1 per feature on the node's TRAIN minutes only. Missing minutes count as zero traffic;
 * minutes where a feature is unavailable are left out of that feature's fit.
 */
export function fitTrainCutoffs(s: NodeSeries, from: number, to: number): NodeCutoffs {
  const out = emptyNodeCutoffs();
  const column: number[] = [];
  for (let f = 0; f < FEATURE_COUNT; f++) {
    column.length = 0;
    for (let t = from; t < to; t++) {
      const i = t * FEATURE_COUNT + f;
      if (s.unavailable?.[i]) continue;
      column.push(s.counters[i]!);
    }
    const c = fitCutoffs(column, BIN_COUNT);
    out.counts[f] = c.length;
    out.values.set(c, f * MAX_CUTOFFS);
  }
  return out;
}

function binWindow(s: NodeSeries, cutoffs: NodeCutoffs, rel: number, W: number, nodeIndex: number, startMinute: number, masked: boolean): WindowRecord {
  const bins = applySeries(cutoffs, sliceCounters(s, rel, rel + W), W);
  if (!masked) return { node: nodeIndex, startMinute, bins };
  const unavailable = s.unavailable?.slice(rel * FEATURE_COUNT, (rel + W) * FEATURE_COUNT) ?? new Uint8Array(W * FEATURE_COUNT);
  return { node: nodeIndex, startMinute, bins, unavailable };
}

/** Builds everything in memory (pure; `writeDataset` puts it on disk). */
export function buildDataset(data: GatheredSeries, options: BuildOptions = {}): DatasetBuild {
  const W = options.window ?? DEFAULT_WINDOW;
  const stride = options.stride ?? W;
  const fractions = options.fractions ?? DEFAULT_FRACTIONS;
  const seed = options.seed ?? 0;
  // all index arithmetic is in series steps (minutes, or native steps with data.axis); ranges and
  // window starts are turned into epoch minutes only for the output
  const steps = splitRanges(0, seriesSteps(data), fractions);
  const ranges = steps.map((r): SplitRange => ({ name: r.name, startMinute: minuteAt(data, r.startMinute), endMinute: minuteAt(data, r.endMinute) }));
  if (data.axis !== undefined && options.labels !== undefined) throw new RangeError("EarlyDetect examples need a minute series: build native-step data without --labels");
  const tr0 = steps[0]!.startMinute;
  const tr1 = steps[0]!.endMinute;
  const trainSeries = data.nodes.filter((s) => presentIn(s, tr0, tr1));
  if (trainSeries.length === 0) throw new RangeError("no node has rows in the train range");
  const cutoffList = trainSeries.map((s) => fitTrainCutoffs(s, tr0, tr1));
  const cutoffs: CutoffTable = { schemaHash: FEATURE_SCHEMA_HASH, nodes: trainSeries.map((s) => s.node), cutoffs: cutoffList };
  const byNode = new Map<string, NodeCutoffs>(trainSeries.map((s, i) => [s.node, cutoffList[i]!]));
  // unseen nodes: signature from the first split they have rows in
  const unseen: UnseenMapping[] = [];
  const unseenNodes = data.nodes.filter((s) => !byNode.has(s.node));
  if (unseenNodes.length > 0) {
    const index = buildUnseenNodeIndex(trainSeries.map((s) => ({ node: s.node, series: sliceCounters(s, tr0, tr1) })));
    for (const s of unseenNodes) {
      const first = steps.find((r) => presentIn(s, r.startMinute, r.endMinute))!;
      const near = nearestTrainingNode(index, sliceCounters(s, first.startMinute, first.endMinute));
      unseen.push({ node: s.node, mappedTo: near.node, distance: near.distance, signatureSplit: first.name });
      byNode.set(s.node, byNode.get(near.node)!);
    }
  }
  const masked = data.nodes.some((s) => s.unavailable !== undefined);
  const nodeIndex = new Map(data.nodes.map((s, i) => [s.node, i]));
  const splits: SplitWindows[] = steps.map((stepRange, i) => {
    const range = ranges[i]!;
    const windows: WindowRecord[] = [];
    const withWindows = new Set<string>();
    for (const s of data.nodes) {
      const c = byNode.get(s.node)!;
      for (const rel of windowStarts(stepRange, W, stride)) {
        if (!presentIn(s, rel, rel + W)) continue; // not a node yet (or no more): no window
        windows.push(binWindow(s, c, rel, W, nodeIndex.get(s.node)!, minuteAt(data, rel), masked));
        withWindows.add(s.node);
      }
    }
    return { range, windows, nodes: withWindows.size };
  });
  let early: EarlyResult | null = null;
  const earlyWindows: Record<SplitName, WindowRecord[]> = { train: [], val: [], test: [] };
  if (options.labels !== undefined) {
    early = buildEarlyDetect(data, ranges, options.labels, { window: W, seed });
    const series = new Map(data.nodes.map((s) => [s.node, s]));
    for (const e of early.examples) {
      const s = series.get(e.node)!;
      earlyWindows[e.split].push(binWindow(s, byNode.get(e.node)!, e.startMinute - data.startMinute, W, nodeIndex.get(e.node)!, e.startMinute, masked));
    }
  }
  return {
    data,
    window: W,
    stride,
    fractions,
    ranges,
    trainNodes: trainSeries.map((s) => s.node),
    cutoffs,
    unseen,
    splits,
    early,
    earlyWindows,
    masked,
    seed,
    source: options.source ?? {},
    utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
  };
}

const iso = (minute: number) => new Date(minute * 60_000).toISOString();

/** Example counts of one split: attacks, non-attacks, attacks per type. */
export function earlyCounts(examples: readonly EarlyExample[], split: SplitName): { examples: number; attacks: number; nonAttacks: number; byType: Record<string, number> } {
  const mine = examples.filter((e) => e.split === split);
  const byType: Record<string, number> = {};
  for (const e of mine) if (e.label === 1) byType[e.type] = (byType[e.type] ?? 0) + 1;
  const attacks = mine.filter((e) => e.label === 1).length;
  return { examples: mine.length, attacks, nonAttacks: mine.length - attacks, byType };
}

export const DATASET_FORMAT = "netflowgen.dataset";

/** manifest.json's content. */
export function datasetManifest(b: DatasetBuild) {
  const unseen = new Map(b.unseen.map((u) => [u.node, u]));
  const examples = b.early?.examples ?? [];
  return {
    format: DATASET_FORMAT,
    version: 1,
    schemaHash: FEATURE_SCHEMA_HASH_HEX,
    featureCount: FEATURE_COUNT,
    binCount: BIN_COUNT,
    source: b.source,
    seeds: { dataset: b.seed, ...(typeof b.source.seed === "number" ? { scenario: b.source.seed } : {}) },
    timeRange: { startMinute: b.data.startMinute, endMinute: b.data.endMinute, startUtc: iso(b.data.startMinute), endUtc: iso(b.data.endMinute), minutes: b.data.endMinute - b.data.startMinute, ...(b.data.axis !== undefined ? { steps: seriesSteps(b.data) } : {}), rows: b.data.rows },
    // native-step data only: minutes per series step (windows and strides count steps); absent = 1
    window: { length: b.window, stride: b.stride, ...(b.data.axis !== undefined ? { stepMinutes: b.data.stepMinutes } : {}) },
    timeZone: { utcOffsetMinutes: b.utcOffsetMinutes },
    fractions: b.fractions,
    splits: b.splits.map((s) => ({
      name: s.range.name,
      startMinute: s.range.startMinute,
      endMinute: s.range.endMinute,
      startUtc: iso(s.range.startMinute),
      endUtc: iso(s.range.endMinute),
      minutes: s.range.endMinute - s.range.startMinute,
      nodes: s.nodes,
      windows: s.windows.length,
      file: `${s.range.name}.windows.bin`,
    })),
    masked: b.masked,
    nodes: b.data.nodes.map((s, index) => ({
      index,
      node: s.node,
      customer: s.customer,
      inTrain: !unseen.has(s.node),
      cutoffsFrom: unseen.get(s.node)?.mappedTo ?? s.node,
    })),
    cutoffs: { file: "cutoffs.nfgc", nodes: b.cutoffs.nodes.length, fittedOn: "train" },
    unseen: b.unseen,
    earlyDetect:
      b.early === null
        ? null
        : {
            file: "earlydetect.json",
            windowFiles: Object.fromEntries(SPLITS.map((s) => [s, `early-${s}.windows.bin`])),
            params: { ...EARLY_DEFAULTS, cusum: { kSigma: DEFAULT_K_SIGMA, hSigma: DEFAULT_H_SIGMA, clipSigma: DEFAULT_CLIP_SIGMA, minSigma: DEFAULT_MIN_SIGMA, scale: "log1p(bytes)" } },
            counts: Object.fromEntries(SPLITS.map((s) => [s, earlyCounts(examples, s)])),
            skipped: b.early.skipped,
            unpaired: b.early.unpaired,
          },
  };
}

/** Writes the build into `outDir`; returns the file names written. */
export function writeDataset(outDir: string, b: DatasetBuild): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, data: string | Uint8Array) => {
    writeFileSync(join(outDir, name), data);
    files.push(name);
  };
  put("cutoffs.nfgc", encodeCutoffTable(b.cutoffs));
  for (const s of b.splits) put(`${s.range.name}.windows.bin`, encodeWindows(b.window, s.windows, b.masked));
  if (b.early !== null) {
    for (const split of SPLITS) put(`early-${split}.windows.bin`, encodeWindows(b.window, b.earlyWindows[split], b.masked));
    put("earlydetect.json", `${JSON.stringify({ format: "netflowgen.earlydetect", version: 1, examples: b.early.examples }, null, 0)}\n`);
  }
  put("manifest.json", `${JSON.stringify(datasetManifest(b), null, 2)}\n`);
  return files;
}
