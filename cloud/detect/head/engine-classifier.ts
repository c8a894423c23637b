/** @module trainClassifierOn: the attack-type classifier (classifier.ts) with its MLP on an engine Backend; softmax cross-entropy over the (M, K) logits on the host. */
import { foldInputStats, prepareInputs } from "./standardize.js";
import type { Backend, TensorTypes } from "../../engine/kernels.js";
import { crossEntropyBackward, crossEntropyForward } from "../../engine/reference/cross-entropy.js";
import { Mulberry32 } from "../../engine/rng.js";
import { type ClassifierData, TRAIN_CLASSIFIER_DEFAULTS, type TrainClassifierOptions, type TypeClassifier } from "./classifier.js";
import { engineMlp } from "./engine-mlp.js";
import { checkHidden, shuffle } from "./hidden.js";
import { type MlpConfig, mlpInit, mlpLayout, mlpViews } from "./mlp.js";

/**
 * Legend: M rows (attack minutes of a batch), C inputs, H hidden units, K types. The same rows,
 * weights, initialization, batch order and Adam as trainClassifier, so the two agree to float32
 * rounding (reference backend) or tolerance (cpu).
 */
export async function trainClassifierOn<T extends TensorTypes>(backend: Backend<T>, input: ClassifierData, K: number, options: Partial<TrainClassifierOptions> = {}): Promise<TypeClassifier> {
  const o = { ...TRAIN_CLASSIFIER_DEFAULTS, ...options };
  checkHidden(input.hidden);
  const prepared = prepareInputs(input.hidden, undefined, undefined, o.standardize);
  const data: ClassifierData = { ...input, hidden: prepared.hidden };
  const { hidden } = data;
  if (!(K >= 1 && K <= 255)) throw new RangeError(`K = ${K} types, expected 1..255`);
  const { T, C } = hidden;
  const cfg: MlpConfig = { C, H: o.hiddenUnits, OC: K };
  const rng = new Mulberry32(o.seed);
  const init = new Float32Array(mlpLayout(cfg).total);
  mlpInit(mlpViews(init, cfg), cfg, new Mulberry32(rng.int(2 ** 32)), 0);
  const pool: number[] = [];
  for (let n = 0; n < hidden.N; n++) {
    const k = data.target[n]!;
    if (k >= K) throw new RangeError(`example ${n}: type ${k} ≥ K = ${K}`);
    if (k >= 0) pool.push(n);
  }
  if (pool.length === 0) throw new RangeError("no attack examples to train the type classifier on");
  const B = Math.max(1, Math.min(o.batch, pool.length));
  const maxRows = B * T;
  const mlp = engineMlp(backend, cfg, maxRows);
  mlp.load(init);
  const adam = { lr: o.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: o.weightDecay };
  const inp = new Float32Array(maxRows * C);
  const targets = new Uint8Array(maxRows);
  const rowWeight = new Float32Array(maxRows);
  const probs = new Float32Array(maxRows * K);
  const losses = new Float32Array(maxRows);
  const dlogits = new Float32Array(maxRows * K);
  const history: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    shuffle(pool, () => rng.next());
    let sum = 0;
    let steps = 0;
    for (let at = 0; at < pool.length; at += B) {
      const idx = pool.slice(at, at + B);
      let M = 0;
      for (const n of idx) {
        const from = Math.min(T - 1, Math.max(0, Math.floor(data.from[n]!)));
        const w = 1 / (idx.length * (T - from));
        for (let t = from; t < T; t++, M++) {
          inp.set(hidden.data.subarray((n * T + t) * C, (n * T + t + 1) * C), M * C);
          targets[M] = data.target[n]!;
          rowWeight[M] = w;
        }
      }
      const logits = await mlp.forward(inp, M);
      crossEntropyForward(losses, probs, logits, targets, M, 1, K);
      let loss = 0;
      for (let r = 0; r < M; r++) loss += rowWeight[r]! * losses[r]!;
      sum += loss;
      steps++;
      crossEntropyBackward(dlogits, probs, targets, 1, M, 1, K);
      for (let r = 0; r < M; r++) for (let k = 0; k < K; k++) dlogits[r * K + k] = dlogits[r * K + k]! * rowWeight[r]!;
      await mlp.backward(dlogits.subarray(0, M * K), M);
      mlp.step(adam, ++step);
    }
    history.push(sum / steps);
  }
  const params = await mlp.readParams();
  return { cfg, params: prepared.stats === null ? params : foldInputStats(params, cfg, prepared.stats), history };
}
