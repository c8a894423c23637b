/** @module A determinism stress of the cpu backend: one small Decoder training run (dropout, AdamW with weight decay) whose every float must be bit-identical on 1 and on N threads, and from run to run; `npx tsx cloud/engine/cpu/stress.ts` repeats it under CPU load. */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Backend } from "../kernels.js";
import { modelConfig, type ModelConfig } from "../model/config.js";
import { Decoder } from "../model/model.js";
import { randomBatch } from "../model/test-helpers.js";
import { createCpuBackend } from "./index.js";

/** Odd sizes on purpose: T = 30 and head size 9 leave edge tiles in every GEMM and attention strip; every kernel is big enough to be split over threads. */
export const STRESS_CONFIG: ModelConfig = modelConfig("tiny", { nLayer: 2, nHead: 4, dModel: 36, dFF: 100, maxT: 30, nodes: 3, customers: 2, dropout: 0.2 });
export const STRESS_B = 4;

export interface StressResult {
  /** The loss before each step. */
  losses: number[];
  /** sha256 of the final parameters, Adam moments and gradients. */
  digest: string;
}

/** `steps` training steps of STRESS_CONFIG on a fixed batch and dropout seeds; every output read back and hashed. */
export async function stressRun(backend: Backend, steps = 4, config: ModelConfig = STRESS_CONFIG, B = STRESS_B): Promise<StressResult> {
  const T = config.maxT;
  const model = new Decoder(backend, config, { maxB: B, maxT: T, seed: 7 });
  model.setBatch(randomBatch(config, B, T, 11));
  const opt = { lr: 3e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    model.zeroGrad();
    model.forward({ train: true, dropoutSeed: 1000 + step });
    losses.push(await model.loss());
    model.backward();
    model.step(opt, step);
  }
  const h = createHash("sha256");
  const state = await model.saveState();
  for (const a of [state.params, state.m, state.v, await model.readGrads()]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  h.update(new Uint8Array(Float64Array.from(losses).buffer));
  return { losses, digest: h.digest("hex") };
}

/**
 * The thread pool alone: `jobs` back-to-back accumulating kernels (residualBackward: d1 += 1, d2 += 1 over
 * two halves, one per thread) on alternating buffers, checking right after each call that the last element
 * (the last thread's part) holds its exact count. A worker finishing after run() returns, running a job
 * twice or reading the previous job's arguments shows up as a wrong count. Returns the number of bad checks.
 */
export function poolHammer(backend: Backend, jobs: number, N = 40_000): number {
  const ones = backend.alloc(N);
  ones.fill(1);
  const bufs = [0, 1, 2].map(() => [backend.alloc(N), backend.alloc(N)] as const);
  let bad = 0;
  for (let j = 0; j < jobs; j++) {
    const [d1, d2] = bufs[j % 3]!;
    backend.kernels.residualBackward(d1, d2, ones, N);
    const want = Math.floor(j / 3) + 1;
    if (d1[N - 1] !== want || d2[N - 1] !== want || d1[0] !== want) bad++;
  }
  for (const [d1, d2] of bufs) {
    const want = d1[0]!;
    for (let i = 0; i < N; i++) if (d1[i] !== want || d2[i] !== want) bad++;
  }
  return bad;
}

/**
 * Starts `n` busy-looping node processes (CPU load for the duration of a stress); stop() kills exactly
 * those. Each also ends by itself after `maxMs` or when this process is gone, so none outlives a killed run.
 */
export function cpuLoad(n: number, maxMs = 120_000): { stop(): void } {
  const script = `const end = Date.now() + ${maxMs}; const parent = ${process.pid};
for (let i = 0; Date.now() < end; i++) if (i % 1e7 === 0) { try { process.kill(parent, 0); } catch { break; } }`;
  const kids: ChildProcess[] = [];
  for (let i = 0; i < n; i++) kids.push(spawn(process.execPath, ["-e", script], { stdio: "ignore" }));
  return {
    stop() {
      for (const k of kids) if (k.exitCode === null && k.signalCode === null) k.kill("SIGKILL");
    },
  };
}

async function main(): Promise<void> {
  const arg = (name: string, def: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : def;
  };
  const rounds = arg("rounds", 20);
  // --paper T: the paper's 4-4-128-512 model at B = 2 and window T instead of the small config
  const paperT = arg("paper", 0);
  const config = paperT > 0 ? modelConfig("paper", { maxT: paperT, nodes: 3, customers: 2, dropout: 0.1 }) : STRESS_CONFIG;
  const B = paperT > 0 ? 2 : STRESS_B;
  const run = (backend: Backend): Promise<StressResult> => stressRun(backend, steps, config, B);
  const steps = arg("steps", 4);
  const threads = arg("threads", 2);
  const load = cpuLoad(arg("load", 2), 30 * 60_000);
  try {
    const one = await createCpuBackend({ threads: 1 });
    const want = await run(one);
    one.dispose();
    console.log(`1 thread: ${want.digest.slice(0, 16)} losses ${want.losses.map((l) => l.toFixed(6)).join(" ")}`);
    const t0 = performance.now();
    const pool = await createCpuBackend({ threads });
    const hammered = poolHammer(pool, arg("jobs", 100_000));
    pool.dispose();
    console.log(`pool hammer ×${threads}: ${hammered} bad checks (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    let bad = hammered;
    const many = await createCpuBackend({ threads });
    for (let r = 0; r < rounds; r++) {
      // a fresh backend every other round: new workers, fresh arena, code tiering from the start
      const backend = r % 2 === 0 ? many : await createCpuBackend({ threads });
      const got = await run(backend);
      if (backend !== many) backend.dispose();
      const ok = got.digest === want.digest;
      if (!ok) bad++;
      console.log(`round ${r} ×${threads}: ${got.digest.slice(0, 16)} ${ok ? "same" : `DIFFERENT losses ${got.losses.map((l) => l.toFixed(6)).join(" ")}`}`);
    }
    many.dispose();
    console.log(bad === 0 ? `all ${rounds} rounds bit-identical to 1 thread` : `${bad} bad checks or rounds`);
    process.exitCode = bad === 0 ? 0 : 1;
  } finally {
    load.stop();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
