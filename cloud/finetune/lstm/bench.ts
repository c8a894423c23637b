/** @module Times one Multiscale-LSTM training step (forward, read, backward, Adam; without the host head) at the paper's window on a backend: `npx tsx cloud/finetune/lstm/bench.ts [reference|cpu|webgpu] [B] [T] [steps]`; prints each step and the median after the first (warm-up), with the load average. */
import { loadavg } from "node:os";
import { lstmKernelsFor } from "../../engine/lstm/index.js";
import { openBackend } from "../../train/backends.js";
import { LSTM_DEFAULTS } from "./config.js";
import { MultiscaleLstm } from "./model.js";

const name = process.argv[2] ?? "reference";
const B = Number(process.argv[3] ?? 8);
const T = Number(process.argv[4] ?? 512);
const steps = Math.max(2, Number(process.argv[5] ?? (name === "reference" ? 3 : 10)));
const backend = await openBackend(name);
try {
  const cfg = LSTM_DEFAULTS;
  const model = new MultiscaleLstm(backend, await lstmKernelsFor(backend), cfg, B, T, 1);
  model.setBatch(new Uint8Array(B * T * cfg.NF).map((_, i) => i % cfg.V), new Int32Array(B * T * cfg.NTIME).map((_, i) => (i % 4) * 7), B);
  const dfeat = new Float32Array(B * T * model.D).fill(1e-3);
  const times: number[] = [];
  for (let rep = 0; rep < steps; rep++) {
    const t0 = performance.now();
    model.forward();
    await model.features();
    model.zeroGrad();
    model.backward(dfeat);
    model.step({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, rep + 1);
    await backend.sync();
    times.push(performance.now() - t0);
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)] ?? Number.NaN;
  console.log(`${backend.name}: B=${B} T=${T} E=${cfg.E} H=${cfg.H} scales ${cfg.scales.join("/")} (${model.nParams} parameters): step ${times.map((t) => t.toFixed(1)).join(", ")} ms`);
  console.log(`median after the first: ${median.toFixed(1)} ms per step; load average ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
} finally {
  backend.dispose();
}
