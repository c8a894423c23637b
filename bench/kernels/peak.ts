/** @module Measures the WASM f32x4 peak (peak.wat) on 1 thread and on n threads at once (worker_threads), for the FMA and the mul + add builds. */
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { enableRelaxedSimd, watToWasmText } from "../../cloud/engine/cpu/compile.js";
import { rewriteMadd, type WasmVariant } from "../../cloud/engine/cpu/wat-source.js";

const FLOPS_PER_ITER = 96;
const ITERS = 50_000_000;

/** The peak module of one variant. */
export async function peakModule(variant: WasmVariant): Promise<WebAssembly.Module> {
  if (variant === "relaxed") enableRelaxedSimd();
  const text = readFileSync(new URL("./peak.wat", import.meta.url), "utf8");
  return new WebAssembly.Module(await watToWasmText(variant === "relaxed" ? text : rewriteMadd(text), variant === "relaxed"));
}

const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
if (workerData.relaxed) require("node:v8").setFlagsFromString("--experimental-wasm-relaxed-simd");
const peak = new WebAssembly.Instance(workerData.module).exports.peak;
peak(1000000);
const ctrl = new Int32Array(workerData.ctrl);
parentPort.postMessage("ready");
Atomics.wait(ctrl, 0, 0);
const t0 = performance.now();
peak(workerData.iters);
parentPort.postMessage(performance.now() - t0);
`;

export interface Peak {
  /** Σ over threads of FLOPs / that thread's wall time. */
  wall: number;
  /** All FLOPs / process CPU time: the rate per CPU-second, steady on a shared machine. */
  cpu: number;
}

/** `threads` threads running the peak loop together; the best of `runs` runs for each figure. */
export async function measurePeak(variant: WasmVariant, threads: number, runs = 3): Promise<Peak> {
  const module = await peakModule(variant);
  const best = { wall: 0, cpu: 0 };
  for (let run = 0; run < runs; run++) {
    const ctrl = new SharedArrayBuffer(4);
    const workers = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true, workerData: { module, ctrl, iters: ITERS, relaxed: variant === "relaxed" } }));
    await Promise.all(workers.map((w) => new Promise((r) => w.once("message", r))));
    const times = workers.map((w) => new Promise<number>((r) => w.once("message", r)));
    const c0 = process.cpuUsage();
    Atomics.store(new Int32Array(ctrl), 0, 1);
    Atomics.notify(new Int32Array(ctrl), 0);
    const ms = await Promise.all(times);
    const d = process.cpuUsage(c0);
    await Promise.all(workers.map((w) => w.terminate()));
    best.wall = Math.max(best.wall, ms.reduce((s, t) => s + (FLOPS_PER_ITER * ITERS) / (t * 1e6), 0));
    best.cpu = Math.max(best.cpu, (threads * FLOPS_PER_ITER * ITERS) / ((d.user + d.system) * 1e3));
  }
  return best;
}
