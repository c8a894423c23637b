/** @module LSTM kernels by backend: the reference kernels for host-array backends (reference, cpu), the WGSL kernels for webgpu. */
import type { Backend, TensorTypes } from "../kernels.js";
import type { LstmKernels } from "./kernels.js";
import { referenceLstmKernels } from "./reference.js";

export type { LstmKernels } from "./kernels.js";
export { bucketOf } from "./kernels.js";

/**
 * The LSTM kernels for a backend, by its name: "reference" and "cpu" (host typed arrays; the cpu backend
 * runs its kernels synchronously, so host code between them sees their results) get the reference kernels;
 * "webgpu" gets cloud/engine/webgpu/kernels/lstm.ts on the backend's recorder.
 */
export async function lstmKernelsFor<T extends TensorTypes>(backend: Backend<T>): Promise<LstmKernels<T>> {
  switch (backend.name) {
    case "reference":
    case "cpu":
      return referenceLstmKernels as unknown as LstmKernels<T>;
    case "webgpu": {
      const { webgpuLstmKernels } = await import("../webgpu/kernels/lstm.js");
      const wb = backend as unknown as Parameters<typeof webgpuLstmKernels>[0];
      return webgpuLstmKernels(wb) as unknown as LstmKernels<T>;
    }
    default:
      throw new Error(`no LSTM kernels for backend "${backend.name}"`);
  }
}
