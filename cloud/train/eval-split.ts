/** @module Evaluation only: a checkpoint and the bigram scored on the same targets of a chosen split, per node group, over all features and over the available (unmasked) ones. */
import { BIN_COUNT, FEATURE_COUNT } from "../../shared/features/catalogue.js";
import type { WindowRecord } from "../data/dataset/windows-file.js";
import type { Batch } from "./batch.js";
import { Bigram, type Metrics } from "./bigram.js";
import type { TrainNode } from "./data.js";
import type { TrainModel } from "./model-api.js";

/** Running sums of one metric: −ln p, argmax hits, (target, feature) pairs. */
export interface Tally {
  nll: number;
  hits: number;
  targets: number;
}

/** Sums over every feature (`all`) and over the targets whose feature is available (`available`). */
export interface Tallies {
  readonly all: Tally;
  readonly available: Tally;
}

export const newTallies = (): Tallies => ({ all: { nll: 0, hits: 0, targets: 0 }, available: { nll: 0, hits: 0, targets: 0 } });

export function metricsOf(t: Tally): Metrics {
  const loss = t.targets === 0 ? Number.NaN : t.nll / t.targets;
  return { loss, ppl: Math.exp(loss), accuracy: t.targets === 0 ? Number.NaN : t.hits / t.targets, targets: t.targets };
}

/** Probabilities below this are scored as it (float32 softmax can underflow to 0). */
export const MIN_PROB = 1e-30;

function add(t: Tallies, nll: number, hit: boolean, available: boolean): void {
  t.all.nll += nll;
  t.all.targets++;
  if (hit) t.all.hits++;
  if (!available) return;
  t.available.nll += nll;
  t.available.targets++;
  if (hit) t.available.hits++;
}

/**
 * The decoder's probs (B·T, NF·V) of one batch against bins[t+1]: −ln p (p ≥ MIN_PROB) and argmax
 * hits (ties → the smallest bin), into the tallies of the group `groupOf(b)` of each row. A target
 * whose feature the batch's mask marks unavailable counts in `all` only.
 */
export function tallyDecoder(probs: Float32Array, batch: Batch, groupOf: (b: number) => Tallies): void {
  const F = FEATURE_COUNT;
  const V = BIN_COUNT;
  for (let b = 0; b < batch.B; b++) {
    const t = groupOf(b);
    for (let i = 0; i < batch.T; i++) {
      const row = (b * batch.T + i) * F * V;
      const target = (b * (batch.T + 1) + i + 1) * F;
      for (let f = 0; f < F; f++) {
        const at = row + f * V;
        let best = 0;
        for (let v = 1; v < V; v++) if (probs[at + v]! > probs[at + best]!) best = v;
        const y = batch.bins[target + f]!;
        add(t, -Math.log(Math.max(probs[at + y]!, MIN_PROB)), best === y, batch.unavailable?.[target + f] !== 1);
      }
    }
  }
}

/** The bigram on a window's targets (minute t given minute t−1, t = 1..W−1): the decoder's targets. */
export function tallyBigram(bigram: Bigram, w: WindowRecord, W: number, t: Tallies): void {
  const F = FEATURE_COUNT;
  for (let i = 1; i < W; i++) {
    for (let f = 0; f < F; f++) {
      const prev = w.bins[(i - 1) * F + f]!;
      const y = w.bins[i * F + f]!;
      add(t, -bigram.logProb(f, prev, y), bigram.argmax(f, prev) === y, w.unavailable?.[i * F + f] !== 1);
    }
  }
}

/** One group's results: decoder and bigram, over all features and over the available ones. */
export interface GroupResult {
  readonly windows: number;
  readonly nodes: number;
  readonly decoder: { all: Metrics; available: Metrics };
  readonly bigram: { all: Metrics; available: Metrics };
}

export interface SplitEval {
  readonly model: TrainModel;
  readonly windows: readonly WindowRecord[];
  readonly nodes: readonly TrainNode[];
  readonly W: number;
  readonly batches: Iterable<Batch>;
  /** counted on the train runs */
  readonly bigram: Bigram;
  /** group name of a manifest node index */
  readonly group: (node: number) => string;
}

/** Scores the decoder (forward without dropout) and the bigram on every target of the windows, per group. */
export async function evaluateSplit(e: SplitEval, onBatch?: (done: number) => void): Promise<Record<string, GroupResult>> {
  const dec = new Map<string, Tallies>();
  const big = new Map<string, Tallies>();
  const get = (m: Map<string, Tallies>, g: string) => m.get(g) ?? (m.set(g, newTallies()), m.get(g)!);
  let done = 0;
  for (const batch of e.batches) {
    e.model.setBatch(batch);
    await e.model.forward({ train: false, dropoutSeed: 0 });
    tallyDecoder(await e.model.probs(), batch, (b) => get(dec, e.group(batch.dataNode[b]!)));
    onBatch?.((done += batch.B));
  }
  const windows = new Map<string, number>();
  const nodes = new Map<string, Set<number>>();
  for (const w of e.windows) {
    const g = e.group(w.node);
    tallyBigram(e.bigram, w, e.W, get(big, g));
    windows.set(g, (windows.get(g) ?? 0) + 1);
    if (!nodes.has(g)) nodes.set(g, new Set());
    nodes.get(g)!.add(w.node);
  }
  const out: Record<string, GroupResult> = {};
  for (const [g, n] of [...windows.entries()].sort()) {
    const d = get(dec, g);
    const b = get(big, g);
    out[g] = { windows: n, nodes: nodes.get(g)!.size, decoder: { all: metricsOf(d.all), available: metricsOf(d.available) }, bigram: { all: metricsOf(b.all), available: metricsOf(b.available) } };
  }
  return out;
}
