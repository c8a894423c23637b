/** @module bench/train-step, our side: times training steps (forward + backward + AdamW) and forward-only passes of the decoder on one backend, with an optional per-kernel profile; prints one JSON line. */
// Run by bench/train-step/run.ts under /usr/bin/time -v (for peak RSS); by hand:
//   npx tsx bench/train-step/ours.ts --backend cpu --threads 2 --B 8 --T 512 --steps 5 [--profile]
import type { Backend, Kernels, TensorTypes } from "../../cloud/engine/kernels.js";
import { Decoder, modelConfig, PAPER_ADAMW } from "../../cloud/engine/model/index.js";
import { Mulberry32 } from "../../cloud/engine/rng.js";
import { openBackend } from "../../cloud/train/backends.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}
const backendName = arg("backend", "cpu");
const threads = Number(arg("threads", "2"));
const B = Number(arg("B", "8"));
const T = Number(arg("T", "512"));
const steps = Number(arg("steps", "5"));
const warmup = Number(arg("warmup", "1"));
const preset = arg("config", "paper");
const profile = process.argv.includes("--profile");

/** Wraps every kernel with a wall-clock timer (exact for backends whose kernels run synchronously). */
function profiled<T extends TensorTypes>(backend: Backend<T>, totals: Map<string, number>): Backend<T> {
  const kernels = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(backend.kernels) as [string, (...a: unknown[]) => unknown][]) {
    kernels[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      const r = fn.apply(backend.kernels, args);
      totals.set(name, (totals.get(name) ?? 0) + performance.now() - t0);
      return r;
    };
  }
  return { ...backend, kernels: kernels as unknown as Kernels<T> } as Backend<T>;
}

const opened = await openBackend(backendName, { threads });
const totals = new Map<string, number>();
const backend = profile ? profiled(opened, totals) : opened;
// 64 nodes and 8 customers: the tables are small next to the 1.1M body parameters.
const config = modelConfig(preset as "paper", { nodes: 64, customers: 8, dropout: 0.3 });
const model = new Decoder(backend, config, { maxB: B, maxT: T, seed: 1 });
const rng = new Mulberry32(7);
const bins = new Uint8Array(B * (T + 1) * config.NF);
for (let i = 0; i < bins.length; i++) bins[i] = rng.next() < 0.5 ? 0 : rng.int(config.V);
const time = new Int32Array(B * T * config.NTIME);
for (let i = 0; i < B * T; i++) {
  time[i * 4] = rng.int(7);
  time[i * 4 + 1] = 7 + rng.int(31);
  time[i * 4 + 2] = 38 + rng.int(60);
  time[i * 4 + 3] = 98 + rng.int(24);
}
const node = Int32Array.from({ length: B }, () => rng.int(64));
const customer = Int32Array.from({ length: B }, () => rng.int(8));
model.setBatch({ B, T, bins, time, node, customer });

const stepTimes: number[] = [];
let loss = NaN;
for (let s = 0; s < warmup + steps; s++) {
  if (s === warmup) totals.clear();
  const t0 = performance.now();
  model.forward({ train: true, dropoutSeed: 1000 + s });
  model.zeroGrad();
  model.backward();
  model.step(PAPER_ADAMW, s + 1);
  loss = await model.loss();
  await backend.sync();
  if (s >= warmup) stepTimes.push(performance.now() - t0);
}
const stepProfile = Object.fromEntries([...totals].map(([k, v]) => [k, v / steps]));
const fwdTimes: number[] = [];
for (let s = 0; s < warmup + steps; s++) {
  const t0 = performance.now();
  model.forward({ train: false });
  await model.loss();
  if (s >= warmup) fwdTimes.push(performance.now() - t0);
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
console.log(
  JSON.stringify({
    backend: opened.name,
    features: (opened as { features?: unknown }).features ?? null,
    threads,
    B,
    T,
    params: model.paramCount,
    stepMs: stepTimes,
    stepMsMedian: median(stepTimes),
    forwardMsMedian: median(fwdTimes),
    loss,
    profileMsPerStep: profile ? stepProfile : null,
  }),
);
opened.dispose();
