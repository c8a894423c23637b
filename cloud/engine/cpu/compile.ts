/** @module Compiles the cpu kernels: prebuilt binaries from `npm run build:wasm` when their digest matches the sources, else wabt in-process; one cached WebAssembly.Module per variant. */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import { moduleText, readFragments, sourceDigest, type WasmVariant } from "./wat-source.js";

/** Where build:wasm writes `kernels.<variant>.wasm` and `kernels.<variant>.sha256` (gitignored). */
export const BUILD_DIR = fileURLToPath(new URL("./build/", import.meta.url));

export interface CompiledKernels {
  module: WebAssembly.Module;
  variant: WasmVariant;
  /** "build" when the prebuilt binary was used, "wabt" when compiled from the WAT now. */
  source: "build" | "wabt";
}

/** Turns on relaxed SIMD in this V8 (process-wide, so worker threads get it too). Node 20 needs the flag; newer Node ignores it. */
export function enableRelaxedSimd(): void {
  v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
}

/**
 * Turns on wasm-into-wasm inlining on Node 20's V8 11 (off there by default, on in later V8): the small
 * helpers ($exp4, $dots, $av, $tile) get inlined, and their splatted constants hoisted out of the loops —
 * measured 12.3 → 7 ns per $exp4 in CPU time. Process-wide; returns whether it was set.
 */
export function enableWasmInlining(): boolean {
  if (!process.versions.v8.startsWith("11.")) return false;
  v8.setFlagsFromString("--experimental-wasm-inlining");
  return true;
}

/** The WAT of one variant as a binary, via the wabt npm package. */
export function watToWasm(variant: WasmVariant, text = moduleText(variant)): Promise<Uint8Array> {
  return watToWasmText(text, variant === "relaxed", `kernels.${variant}.wat`);
}

/** Any WAT text as a binary (SIMD, threads and bulk memory on; relaxed SIMD when asked). */
export async function watToWasmText(text: string, relaxed: boolean, name = "module.wat"): Promise<Uint8Array> {
  const wabt = await (await import("wabt")).default();
  const mod = wabt.parseWat(name, text, { simd: true, threads: true, bulk_memory: true, relaxed_simd: relaxed });
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

const cache = new Map<WasmVariant, Promise<CompiledKernels>>();

/** The compiled module of a variant (rejects when this V8 cannot compile it, e.g. relaxed SIMD off). */
export function compileKernels(variant: WasmVariant): Promise<CompiledKernels> {
  let p = cache.get(variant);
  if (p === undefined) {
    p = compile(variant);
    cache.set(variant, p);
    p.catch(() => cache.delete(variant));
  }
  return p;
}

async function compile(variant: WasmVariant): Promise<CompiledKernels> {
  if (variant === "relaxed") enableRelaxedSimd();
  enableWasmInlining();
  const bin = `${BUILD_DIR}kernels.${variant}.wasm`;
  const stamp = `${BUILD_DIR}kernels.${variant}.sha256`;
  const fragments = readFragments();
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === sourceDigest(fragments)) {
    return { module: new WebAssembly.Module(readFileSync(bin)), variant, source: "build" };
  }
  const bytes = await watToWasm(variant, moduleText(variant, fragments));
  return { module: new WebAssembly.Module(bytes), variant, source: "wabt" };
}
