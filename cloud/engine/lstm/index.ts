/** @module LSTM kernels by backend: the plain-TS reference kernels for the reference backend, the WASM SIMD kernels (cloud/engine/cpu/lstm.ts) for cpu, the WGSL kernels for webgpu. */
import type { CpuBackend } from "../cpu/index.js";
import type { Backend, TensorTypes } from "../kernels.js";
import type { LstmKernels } from "./kernels.js";
import { referenceLstmKernels } from "./reference.js";

export type { LstmKernels } from "./kernels.js";
export { bucketOf } from "./kernels.js";

/**
 * The LSTM kernels for a backend, by its name: "reference" gets the reference kernels (reference.ts, also the
 * oracle beside the fast ones); "cpu" gets its own kernels (CpuBackend.lstm: GEMMs and the recurrence in
 * WebAssembly SIMD over its arena, cloud/engine/cpu/lstm.ts); "webgpu" gets cloud/engine/webgpu/kernels/lstm.ts
 * on the backend's recorder.
 */
export async function lstmKernelsFor<T extends TensorTypes>(backend: Backend<T>): Promise<LstmKernels<T>> {
  switch (backend.name) {
    case "reference":
      return referenceLstmKernels as unknown as LstmKernels<T>;
    case "cpu": {
      const lstm = (backend as unknown as Partial<CpuBackend>).lstm;
      if (lstm === undefined) throw new Error('a backend named "cpu" without LSTM kernels (create it with createCpuBackend)');
      return lstm as unknown as LstmKernels<T>;
    }
    case "webgpu": {
      const { webgpuLstmKernels } = await import("../webgpu/kernels/lstm.js");
      const wb = backend as unknown as Parameters<typeof webgpuLstmKernels>[0];
      return webgpuLstmKernels(wb) as unknown as LstmKernels<T>;
    }
    default:
      throw new Error(`no LSTM kernels for backend "${backend.name}"`);
  }
}
