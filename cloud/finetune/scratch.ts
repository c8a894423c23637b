/** @module The from-scratch baseline (paper Table 5): the same decoder, freshly initialized, trained end to end with a survival head on the SAFE loss (Decoder.backwardFromHidden), on labelled EarlyDetect windows only. */
import { shuffle } from "../detect/head/hidden.js";
import { headStepper } from "../detect/head/stepper.js";
import { newHead, type SurvivalHead } from "../detect/head/train.js";
import type { Backend, TensorTypes } from "../engine/kernels.js";
import type { ModelConfig } from "../engine/model/config.js";
import { Decoder } from "../engine/model/model.js";
import { Mulberry32 } from "../engine/rng.js";
import { windowBatch } from "./backbone.js";
import type { EarlyData, Split } from "./early-data.js";

export interface ScratchOptions {
  readonly epochs: number;
  readonly lr: number;
  /** windows per step */
  readonly batch: number;
  readonly hiddenUnits: number;
  readonly seed: number;
}

export interface ScratchEpoch {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly seconds: number;
}

export interface ScratchResult {
  /** the decoder's trained flat parameters */
  readonly params: Float32Array;
  readonly head: SurvivalHead;
  readonly history: ScratchEpoch[];
}

/**
 * Trains decoder + head on examples idx of a split: per step a batch of windows (T = W), a forward
 * with residual dropout (config.dropout, a fresh mask seed per step), the head's mean SAFE loss, its
 * gradient on the hidden state backpropagated through the decoder, and one Adam step each for the
 * decoder (Decoder.step) and the head (lr, β 0.9/0.999, eps 1e-8, no weight decay). The decoder is
 * initialized with Mulberry32(seed)'s first draw, the head with its second; batch order and dropout
 * seeds follow from the same stream. The last epoch's parameters are returned (no labelled data is
 * left over for early stopping). The head's MLP runs on `headBackend` (engine-head.ts), or in plain JS
 * when it is null (the default).
 */
export async function trainFromScratch<T extends TensorTypes>(backend: Backend<T>, config: ModelConfig, data: EarlyData, split: Split, idx: readonly number[], o: ScratchOptions, onEpoch?: (e: ScratchEpoch) => void, headBackend: Backend<TensorTypes> | null = null): Promise<ScratchResult> {
  if (idx.length === 0) throw new RangeError("no training examples");
  const rng = new Mulberry32(o.seed);
  const T = data.window;
  const C = config.dModel;
  const B = Math.max(1, Math.min(o.batch, idx.length));
  const decoder = new Decoder(backend, config, { maxB: B, maxT: T, seed: rng.int(2 ** 32) });
  const head = headStepper(newHead(C, T, o.hiddenUnits, rng.int(2 ** 32)), B, T, headBackend);
  const adam = { lr: o.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
  const records = data.splits[split].records;
  const windows = data.splits[split].windows;
  const pool = [...idx];
  const history: ScratchEpoch[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    shuffle(pool, () => rng.next());
    let sum = 0;
    let steps = 0;
    for (let at = 0; at < pool.length; at += B) {
      const part = pool.slice(at, at + B);
      const b = part.length;
      const labels = part.map((n) => records[n]!.label);
      decoder.setBatch(windowBatch(data, windows, part));
      decoder.forward({ train: true, dropoutSeed: rng.int(2 ** 32) });
      const hidden = (await backend.read(decoder.hidden())).subarray(0, b * T * C);
      const loss = await head.forwardLoss(hidden, labels, b);
      if (!Number.isFinite(loss)) throw new Error(`from-scratch training: non-finite loss ${loss} at epoch ${epoch}, step ${step + 1}`);
      sum += loss;
      steps++;
      const dinp = await head.backward();
      decoder.zeroGrad();
      decoder.backwardFromHidden(dinp);
      step++;
      decoder.step(adam, step);
      head.step(adam, step);
    }
    const e = { epoch, trainLoss: sum / steps, seconds: (performance.now() - t0) / 1000 };
    history.push(e);
    onEpoch?.(e);
  }
  return { params: await decoder.readParams(), head: await head.head(), history };
}
