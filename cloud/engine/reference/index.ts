/** @module The reference backend: plain TypeScript kernels, the oracle every fast backend is checked against. */
import { hostMemory } from "../host-memory.js";
import type { Backend, Kernels } from "../kernels.js";
import { adamWUpdate } from "./adam.js";
import { attentionBackward, attentionForward } from "./attention.js";
import { crossEntropyBackward, crossEntropyForward } from "./cross-entropy.js";
import { dropoutBackward, dropoutForward } from "./dropout.js";
import { embeddingBackward, embeddingForward } from "./embedding.js";
import { geluBackward, geluForward } from "./gelu.js";
import { layernormBackward, layernormForward } from "./layernorm.js";
import { matmulBackward, matmulForward } from "./matmul.js";
import { mean, residualBackward, residualForward, softmaxForward, sum } from "./reduce.js";

/** Every kernel, listed explicitly. */
export const referenceKernels: Kernels = {
  matmulForward,
  matmulBackward,
  layernormForward,
  layernormBackward,
  geluForward,
  geluBackward,
  softmaxForward,
  attentionForward,
  attentionBackward,
  embeddingForward,
  embeddingBackward,
  crossEntropyForward,
  crossEntropyBackward,
  residualForward,
  residualBackward,
  adamWUpdate,
  dropoutForward,
  dropoutBackward,
  sum,
  mean,
};

export const referenceBackend: Backend = {
  name: "reference",
  kernels: referenceKernels,
  alloc: (n) => new Float32Array(n),
  allocU8: (n) => new Uint8Array(n),
  allocI32: (n) => new Int32Array(n),
  ...hostMemory,
  dispose: () => {},
};
