/** @module The cpu backend: WebAssembly SIMD kernels (WAT under wat/) over one shared WebAssembly.Memory, run on the main thread plus kept-alive worker threads. */
import { availableParallelism } from "node:os";
import { hostMemory } from "../host-memory.js";
import type { Backend, HostTensors } from "../kernels.js";
import type { LstmKernels } from "../lstm/kernels.js";
import { createArena } from "./arena.js";
import { compileKernels, type CompiledKernels } from "./compile.js";
import { createDispatch } from "./dispatch.js";
import { createCpuKernels } from "./kernels.js";
import { createCpuLstmKernels } from "./lstm.js";
import { createPool } from "./pool.js";
import type { WasmVariant } from "./wat-source.js";

export interface CpuBackendOptions {
  /** Threads in all, the caller's included (default: os.availableParallelism()). */
  threads?: number;
  /** Use f32x4.relaxed_madd (FMA) when this V8 compiles it (default true); false forces mul + add. */
  relaxed?: boolean;
  /** Initial size of the shared memory in MiB (it grows on demand). */
  initialMiB?: number;
}

/** What the backend ended up using. */
export interface CpuFeatures {
  /** The kernel build: "relaxed" (FMA) or "simd" (mul + add). */
  variant: WasmVariant;
  threads: number;
  /** "build" when cloud/engine/cpu/build/ held an up-to-date binary, "wabt" when compiled from the WAT at creation. */
  source: CompiledKernels["source"];
}

export interface CpuBackend extends Backend<HostTensors> {
  readonly features: CpuFeatures;
  readonly memory: WebAssembly.Memory;
  /** The LSTM extension's kernels on this backend's memory and threads (lstmKernelsFor hands them out). */
  readonly lstm: LstmKernels<HostTensors>;
}

const defaults = { relaxed: true, initialMiB: 16 };

/** Compiles (or reuses) the kernels, starts the worker threads and returns the backend; dispose() stops the workers. */
export async function createCpuBackend(options: CpuBackendOptions = {}): Promise<CpuBackend> {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const relaxed = options.relaxed ?? defaults.relaxed;
  let compiled: CompiledKernels;
  if (relaxed) {
    try {
      compiled = await compileKernels("relaxed");
    } catch {
      compiled = await compileKernels("simd");
    }
  } else compiled = await compileKernels("simd");
  const arena = createArena(options.initialMiB ?? defaults.initialMiB);
  const instance = new WebAssembly.Instance(compiled.module, { env: { memory: arena.memory }, Math: { log: Math.log } });
  const pool = await createPool(compiled.module, arena.memory, instance.exports, threads, compiled.variant === "relaxed");
  const dispatch = createDispatch(arena, pool);
  return {
    name: "cpu",
    features: { variant: compiled.variant, threads, source: compiled.source },
    memory: arena.memory,
    kernels: createCpuKernels(arena, pool, instance.exports, dispatch),
    lstm: createCpuLstmKernels(dispatch),
    alloc: (n) => arena.f32(n),
    allocU8: (n) => arena.u8(n),
    allocI32: (n) => arena.i32(n),
    ...hostMemory,
    dispose: () => pool.dispose(),
  };
}
