/** @module Evaluation-only scoring: decoder probs and the bigram tallied on the same targets, per group, over all and over available features. */
import { describe, expect, it } from "vitest";
import { BIN_COUNT, FEATURE_COUNT } from "../../shared/features/catalogue.js";
import type { Batch } from "./batch.js";
import { Bigram } from "./bigram.js";
import { nodeTables } from "./data.js";
import { evalBatches } from "./eval-batches.js";
import { evaluateSplit, metricsOf, MIN_PROB, newTallies, tallyBigram, tallyDecoder } from "./eval-split.js";
import type { TrainModel } from "./model-api.js";

const F = FEATURE_COUNT;
const V = BIN_COUNT;

/** A window of W minutes: feature 0 cycles 0,1,2,…; every other feature is 0 and unavailable. */
function win(node: number, start: number, W: number) {
  const bins = new Uint8Array(W * F);
  const unavailable = new Uint8Array(W * F).fill(1);
  for (let t = 0; t < W; t++) {
    bins[t * F] = t % V;
    unavailable[t * F] = 0;
  }
  return { node, startMinute: start, bins, unavailable };
}

/** A model whose head puts `p` on bin (prev + 1) % V of feature 0 and 1 on bin 0 of every other feature. */
function fakeModel(p: number): TrainModel {
  let batch: Batch | undefined;
  return {
    config: {} as TrainModel["config"],
    paramCount: 0,
    setBatch: (b) => void (batch = b),
    forward: () => undefined,
    loss: async () => 0,
    zeroGrad: () => undefined,
    backward: () => undefined,
    step: () => undefined,
    async probs() {
      const { B, T, bins } = batch!;
      const out = new Float32Array(B * T * F * V);
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++) {
          const row = (b * T + t) * F * V;
          const prev = bins[(b * (T + 1) + t) * F]!;
          for (let v = 0; v < V; v++) out[row + v] = v === (prev + 1) % V ? p : (1 - p) / (V - 1);
          for (let f = 1; f < F; f++) out[row + f * V] = 1;
        }
      return out;
    },
    save: async () => undefined,
    dispose: () => undefined,
  };
}

describe("evaluation-only scoring", () => {
  const { nodes } = nodeTables([
    { index: 0, node: "a", customer: "x", inTrain: true, cutoffsFrom: "a" },
    { index: 1, node: "u", customer: "z", inTrain: false, cutoffsFrom: "a" },
  ]);
  const W = 12;
  const windows = [win(0, 0, W), win(1, 100, W)];

  it("decoder: −ln p and argmax on available targets; unavailable ones only in `all`", () => {
    const t = newTallies();
    for (const b of evalBatches(windows.slice(0, 1), nodes, W, 5, 4)) tallyDecoder(new Float32Array(b.B * b.T * F * V).fill(0.1), b, () => t);
    expect(t.available.targets).toBe(W - 1);
    expect(t.all.targets).toBe((W - 1) * F);
    expect(metricsOf(t.available).loss).toBeCloseTo(Math.log(10), 6);
    // ties → bin 0: hits where the target is 0 (t = 10) on feature 0, and all of the unavailable zeros
    expect(t.available.hits).toBe(1);
    expect(t.all.hits).toBe(1 + (W - 1) * (F - 1));
    const z = newTallies();
    for (const b of evalBatches(windows.slice(0, 1), nodes, W, 5, 4)) tallyDecoder(new Float32Array(b.B * b.T * F * V), b, () => z);
    expect(metricsOf(z.available).loss).toBeCloseTo(-Math.log(MIN_PROB), 6);
  });

  it("bigram on the same targets", () => {
    const bigram = new Bigram();
    bigram.addRun(win(0, 0, 30).bins, 30);
    const t = newTallies();
    tallyBigram(bigram, windows[0]!, W, t);
    expect(t.available.targets).toBe(W - 1);
    expect(t.available.hits).toBe(W - 1); // prev → prev + 1 always
    // target i given prev = (i − 1) % V: p = (c + 1) / (c + V), c = the count of prev → prev + 1
    const expected = -[...Array(W - 1).keys()].map((i) => Math.log((bigramCount(i % V) + 1) / (bigramCount(i % V) + V))).reduce((x, y) => x + y, 0) / (W - 1);
    expect(metricsOf(t.available).loss).toBeCloseTo(expected, 10);
  });

  it("groups seen and unseen nodes, decoder and bigram on equal target counts", async () => {
    const bigram = new Bigram();
    bigram.addRun(win(0, 0, 30).bins, 30);
    const r = await evaluateSplit({ model: fakeModel(0.5), windows, nodes, W, batches: evalBatches(windows, nodes, W, 5, 3), bigram, group: (n) => (nodes[n]!.inTrain ? "seen" : "unseen") });
    expect(Object.keys(r)).toEqual(["seen", "unseen"]);
    for (const g of ["seen", "unseen"] as const) {
      expect(r[g]!.windows).toBe(1);
      expect(r[g]!.decoder.available.targets).toBe(W - 1);
      expect(r[g]!.bigram.available.targets).toBe(W - 1);
      expect(r[g]!.decoder.available.loss).toBeCloseTo(Math.log(2), 6);
      expect(r[g]!.decoder.available.accuracy).toBe(1);
      expect(r[g]!.decoder.all.loss).toBeCloseTo(Math.log(2) / F, 6);
    }
  });
});

/** Transitions prev → prev + 1 counted from a 30-minute cycling run: bins 0..9 appear as prev 3,3,3,3,3,3,3,3,3,2 times. */
function bigramCount(prev: number): number {
  return prev <= 8 ? 3 : 2;
}
