/** @module The ModelFactory over cloud/engine/model's Decoder and cloud/engine/checkpoint's NFCK files. */
import { FEATURE_COUNT, BIN_COUNT } from "../../shared/features/catalogue.js";
import type { Backend, TensorTypes } from "../engine/kernels.js";
import { Decoder, readCheckpoint, writeCheckpoint, type ModelConfig } from "../engine/model/index.js";
import type { AdamOptions, ModelCapacity, ModelFactory, TrainModel, TrainPosition } from "./model-api.js";

/** A Decoder seen as a TrainModel. */
export function wrapDecoder<T extends TensorTypes>(d: Decoder<T>): TrainModel {
  let shape = { B: 0, T: 0 };
  return {
    config: d.config,
    paramCount: d.paramCount,
    setBatch(batch) {
      d.setBatch(batch);
      shape = { B: batch.B, T: batch.T };
    },
    forward: (o) => d.forward(o),
    loss: () => d.loss(),
    zeroGrad: () => d.zeroGrad(),
    backward: () => d.backward(),
    step: (adam, t) => d.step(adam, t),
    async probs() {
      const all = await d.backend.read(d.probs());
      return all.subarray(0, shape.B * shape.T * FEATURE_COUNT * BIN_COUNT);
    },
    async save(path: string, position: TrainPosition, adam: AdamOptions) {
      const state = await d.saveState();
      await writeCheckpoint(
        path,
        { config: d.config, step: position.step, epoch: position.epoch, tokensSeen: position.tokensSeen, rngState: position.rngState, optimizer: { ...adam, t: position.adamT }, extra: { trainer: "netflowgen pretrain" } },
        state,
      );
    },
    dispose() {},
  };
}

const decoderOptions = (capacity: ModelCapacity, config: ModelConfig) => ({ maxB: capacity.maxB, maxT: Math.min(capacity.maxT, config.maxT) });

export const engineModelFactory: ModelFactory = {
  async create<T extends TensorTypes>(backend: Backend<T>, config: ModelConfig, seed: number, capacity: ModelCapacity) {
    return wrapDecoder(new Decoder(backend, config, { ...decoderOptions(capacity, config), seed }));
  },
  async resume<T extends TensorTypes>(backend: Backend<T>, path: string, capacity: ModelCapacity) {
    const ck = await readCheckpoint(path);
    const config = ck.header.config;
    const d = new Decoder(backend, config, { ...decoderOptions(capacity, config), params: ck.params });
    d.loadState({ params: ck.params, m: ck.m, v: ck.v });
    const h = ck.header;
    const position: TrainPosition = { step: h.step, epoch: h.epoch, adamT: h.optimizer.t, rngState: h.rngState, tokensSeen: h.tokensSeen };
    return { model: wrapDecoder(d), position };
  },
  async checkpointConfig(path: string) {
    return (await readCheckpoint(path)).header.config;
  },
};
