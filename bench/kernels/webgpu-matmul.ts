/** @module Measures the webgpu matmul (forward, and backward as two matmuls + bias reduction) in GFLOP/s: `npx tsx bench/kernels/webgpu-matmul.ts [BT C OC [reps]]`. */
import { create } from "../../cloud/engine/webgpu/index.js";

const [BT, C, OC, reps] = (process.argv.length >= 5 ? process.argv.slice(2) : ["1024", "128", "512", "5"]).map(Number) as [number, number, number, number?];
const n = reps ?? 5;
const be = await create();
const k = be.kernels;
const rand = (len: number): ReturnType<typeof be.alloc> => {
  const t = be.alloc(len);
  be.write(t, Float32Array.from({ length: len }, (_, i) => Math.sin(i * 0.37)));
  return t;
};
const [inp, w, b, out, dout, dinp, dw, db] = [rand(BT * C), rand(OC * C), rand(OC), be.alloc(BT * OC), rand(BT * OC), be.alloc(BT * C), be.alloc(OC * C), be.alloc(OC)];

async function time(what: string, flops: number, run: () => void): Promise<void> {
  run(); // warm-up: pipeline compile
  await be.sync();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) run();
  await be.sync();
  const s = (performance.now() - t0) / 1000 / n;
  console.log(`${what} BT=${BT} C=${C} OC=${OC}: ${(s * 1000).toFixed(1)} ms, ${(flops / s / 1e9).toFixed(2)} GFLOP/s`);
}
console.log(`adapter: ${be.adapter}`);
await time("matmulForward ", 2 * BT * C * OC, () => k.matmulForward(out, inp, w, b, BT, C, OC));
await time("matmulBackward", 4 * BT * C * OC + BT * OC, () => k.matmulBackward(dinp, dw, db, dout, inp, w, BT, C, OC));
be.dispose();
