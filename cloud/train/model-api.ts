/** @module What the training loop needs from a decoder and its checkpoints: a narrow interface, so the loop does not depend on one backend's tensor types. */
import type { Backend, TensorTypes } from "../engine/kernels.js";
import type { ModelConfig } from "../engine/model/config.js";
import type { Batch } from "./batch.js";

/** Adam(W) hyper-parameters of one step (docs/model.md "Optimizer"). */
export interface AdamOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

/** Training position saved with the parameters and the Adam moments. */
export interface TrainPosition {
  /** optimizer steps done (the next step is step + 1) */
  readonly step: number;
  /** completed epochs */
  readonly epoch: number;
  /** Adam's t after the last step */
  readonly adamT: number;
  /** the batch sampler's Mulberry32 state after the last step */
  readonly rngState: number;
  /** training tokens (B·T) seen */
  readonly tokensSeen: number;
}

/** A decoder ready to train and evaluate (cloud/engine/model's Decoder behind an adapter). */
export interface TrainModel {
  readonly config: ModelConfig;
  /** real parameters (padding excluded) */
  readonly paramCount: number;
  setBatch(batch: Batch): void;
  forward(options: { train: boolean; dropoutSeed: number }): void | Promise<void>;
  /** mean loss of the last forward over B·T·NF heads */
  loss(): Promise<number>;
  zeroGrad(): void | Promise<void>;
  backward(): void | Promise<void>;
  step(adam: AdamOptions, t: number): void | Promise<void>;
  /** (B·T, NF·V) softmax of each head after the last forward */
  probs(): Promise<Float32Array>;
  /** crash-safe: the file at `path` is either the old one or the complete new one */
  save(path: string, position: TrainPosition, adam: AdamOptions): Promise<void>;
  dispose(): void;
}

/** Room the model allocates for: the largest batch and window it will see. */
export interface ModelCapacity {
  readonly maxB: number;
  readonly maxT: number;
}

/** Builds models on a backend: fresh (seeded init) or from a checkpoint. */
export interface ModelFactory {
  create<T extends TensorTypes>(backend: Backend<T>, config: ModelConfig, seed: number, capacity: ModelCapacity): Promise<TrainModel>;
  resume<T extends TensorTypes>(backend: Backend<T>, path: string, capacity: ModelCapacity): Promise<{ model: TrainModel; position: TrainPosition }>;
  /** the config stored in a checkpoint (to check it against the data before building anything) */
  checkpointConfig(path: string): Promise<ModelConfig>;
}
