/** @module The state a forward/backward pass works on: backend, config, parameter and gradient sets, activations, and what the last forward did. */
import type { Backend, TensorTypes } from "../kernels.js";
import type { ActivationGrads, Activations } from "./activations.js";
import type { ModelConfig } from "./config.js";
import type { ParameterSet } from "./params.js";

/** What the last forward ran with; backward replays it in reverse. p = 0: no dropout masks were drawn. */
export interface ForwardRecord {
  B: number;
  T: number;
  p: number;
}

export interface DecoderState<T extends TensorTypes> {
  backend: Backend<T>;
  config: ModelConfig;
  params: ParameterSet<T>;
  acts: Activations<T>;
}

export interface TrainState<T extends TensorTypes> extends DecoderState<T> {
  grads: ParameterSet<T>;
  dacts: ActivationGrads<T>;
}

/**
 * Seed of dropout site s (0 = after the embedding, 1 + 2l = attention projection of block l,
 * 2 + 2l = MLP projection of block l): dropoutSeed + s·0x9e3779b9 (mod 2³²).
 */
export function dropoutSiteSeed(dropoutSeed: number, site: number): number {
  return (dropoutSeed + Math.imul(site, 0x9e3779b9)) >>> 0;
}
