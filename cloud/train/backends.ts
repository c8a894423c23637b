/** @module Engine backends by name: `reference`, and `cpu` and `webgpu` imported lazily (the webgpu module loads Dawn), with a clear error when one cannot start. */
import type { Backend, TensorTypes } from "../engine/kernels.js";
import { referenceBackend } from "../engine/reference/index.js";

export const BACKEND_NAMES = ["reference", "cpu", "webgpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendOptions {
  /** worker threads of the cpu backend (default: its own choice) */
  readonly threads?: number;
}

/** A backend cannot be opened: not in this build, or it failed to start (no GPU adapter, ...). */
export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";
}

type AnyBackend = Backend<TensorTypes>;

/** Opens a backend by name. Throws BackendUnavailableError (with the reason) when it cannot. */
export async function openBackend(name: string, options: BackendOptions = {}): Promise<AnyBackend> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) throw new BackendUnavailableError(`unknown backend ${JSON.stringify(name)}; expected one of ${BACKEND_NAMES.join(", ")}`);
  if (name === "reference") return referenceBackend as unknown as AnyBackend;
  try {
    if (name === "cpu") {
      const { createCpuBackend } = await import("../engine/cpu/index.js");
      return (await createCpuBackend(options.threads !== undefined ? { threads: options.threads } : {})) as unknown as AnyBackend;
    }
    const { create } = await import("../engine/webgpu/index.js");
    return (await create()) as unknown as AnyBackend;
  } catch (err) {
    throw new BackendUnavailableError(`the ${name} backend failed to start: ${(err as Error).message}`);
  }
}
