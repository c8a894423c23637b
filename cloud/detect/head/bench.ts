/** @module Times head training: one epoch of trainHead (plain JS) against trainHeadOn (an engine backend) on random hidden states: `npx tsx cloud/detect/head/bench.ts [cpu|reference|js] [N=360] [T=512] [C=128] [H=512] [jsSteps=3]` (js is timed on its first jsSteps steps and scaled to the epoch). */
import { Mulberry32 } from "../../engine/rng.js";
import { openBackend } from "../../train/backends.js";
import { trainHeadOn } from "./engine-head.js";
import type { HiddenStates } from "./hidden.js";
import { trainHead } from "./train.js";

const [name = "cpu", N = 360, T = 512, C = 128, H = 512, jsSteps = 3] = process.argv.slice(2).map((a, i) => (i === 0 ? a : Number(a))) as [string, number, number, number, number, number];
const batch = 16;
const r = new Mulberry32(1);
const hidden: HiddenStates = { data: Float32Array.from({ length: N * T * C }, () => r.normal()), N, T, C };
const labels = Array.from({ length: N }, (_, n) => n % 2);
const steps = Math.ceil(N / batch);

if (name === "js" || name === "both") {
  const n = Math.min(N, jsSteps * batch);
  const t0 = performance.now();
  trainHead({ ...hidden, data: hidden.data.subarray(0, n * T * C), N: n }, labels.slice(0, n), { epochs: 1, batch, hiddenUnits: H });
  const s = (performance.now() - t0) / 1000;
  console.log(`js: ${Math.ceil(n / batch)} steps of ${batch} × ${T} minutes (C ${C}, H ${H}) in ${s.toFixed(2)} s → ${((s * steps) / Math.ceil(n / batch)).toFixed(1)} s per epoch of ${N}`);
}
if (name !== "js") {
  const backend = await openBackend(name === "both" ? "cpu" : name);
  try {
    for (let rep = 0; rep < 2; rep++) {
      const t0 = performance.now();
      await trainHeadOn(backend, hidden, labels, { epochs: 1, batch, hiddenUnits: H });
      console.log(`${backend.name}: one epoch of ${N} × ${T} minutes (C ${C}, H ${H}, ${steps} steps) in ${((performance.now() - t0) / 1000).toFixed(2)} s${rep === 0 ? " (first: allocates)" : ""}`);
    }
  } finally {
    backend.dispose();
  }
}
