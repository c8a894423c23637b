/** @module Validation metrics of the decoder (paper §6): mean loss, PPL = exp(loss) and argmax accuracy over every (target minute, feature) of the evaluation batches. */
import { BIN_COUNT, FEATURE_COUNT } from "../../shared/features/catalogue.js";
import type { Batch } from "./batch.js";
import type { Metrics } from "./bigram.js";
import type { TrainModel } from "./model-api.js";

/** Accuracy counts of one batch: argmax of each head (ties → the smallest bin) against bins[t+1]. */
export function argmaxHits(probs: Float32Array, batch: Batch): number {
  const F = FEATURE_COUNT;
  const V = BIN_COUNT;
  let hits = 0;
  for (let b = 0; b < batch.B; b++) {
    for (let t = 0; t < batch.T; t++) {
      const row = (b * batch.T + t) * F * V;
      const target = (b * (batch.T + 1) + t + 1) * F;
      for (let f = 0; f < F; f++) {
        const at = row + f * V;
        let best = 0;
        for (let v = 1; v < V; v++) if (probs[at + v]! > probs[at + best]!) best = v;
        if (best === batch.bins[target + f]) hits++;
      }
    }
  }
  return hits;
}

/** Forward without dropout over every batch; the loss is weighted by each batch's B·T·NF targets. */
export async function evaluateModel(model: TrainModel, batches: Iterable<Batch>): Promise<Metrics> {
  let nll = 0;
  let hits = 0;
  let targets = 0;
  for (const batch of batches) {
    model.setBatch(batch);
    await model.forward({ train: false, dropoutSeed: 0 });
    const n = batch.B * batch.T * FEATURE_COUNT;
    nll += (await model.loss()) * n;
    hits += argmaxHits(await model.probs(), batch);
    targets += n;
  }
  const loss = targets === 0 ? Number.NaN : nll / targets;
  return { loss, ppl: Math.exp(loss), accuracy: targets === 0 ? Number.NaN : hits / targets, targets };
}
