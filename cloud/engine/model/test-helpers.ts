/** @module Test-only helpers of the model tests: a float64 reference backend and seeded random batches. */
import type { Backend } from "../kernels.js";
import { referenceBackend } from "../reference/index.js";
import { Mulberry32 } from "../rng.js";
import type { Batch } from "./batch.js";
import type { ModelConfig } from "./config.js";

/**
 * The reference backend in float64, for finite-difference checks. alloc returns a Float64Array CAST to
 * the Float32Array the HostTensors type promises: the reference kernels accept both widths
 * (reference/types.ts `Arr`), and hostMemory's view/write/read are width-agnostic (subarray, set, slice),
 * so every buffer, view and read() result is really a Float64Array. Test use only.
 */
export const reference64: Backend = {
  ...referenceBackend,
  name: "reference-f64",
  alloc: (n) => new Float64Array(n) as unknown as Float32Array,
};

/** A random batch: uniform bins, real-looking time indices (one per group), random node/customer rows. */
export function randomBatch(c: ModelConfig, B: number, T: number, seed: number): Batch {
  const rng = new Mulberry32(seed);
  const bins = new Uint8Array(B * (T + 1) * c.NF);
  for (let i = 0; i < bins.length; i++) bins[i] = rng.int(c.V);
  const time = new Int32Array(B * T * c.NTIME);
  const groups = [7, 31, 60, 24];
  for (let bt = 0; bt < B * T; bt++) {
    let base = 0;
    for (let j = 0; j < c.NTIME; j++) {
      const n = groups[j % groups.length]!;
      time[bt * c.NTIME + j] = Math.min(base + rng.int(n), c.timeRows - 1);
      base += n;
    }
  }
  const node = Int32Array.from({ length: B }, () => rng.int(c.nodes));
  const customer = Int32Array.from({ length: B }, () => rng.int(c.customers));
  return { B, T, bins, time, node, customer };
}

/** The first t minutes of every window of a batch (t input minutes, t+1 binned minutes). */
export function prefixBatch(c: ModelConfig, batch: Batch, t: number): Batch {
  const { B, T } = batch;
  const bins = new Uint8Array(B * (t + 1) * c.NF);
  const time = new Int32Array(B * t * c.NTIME);
  for (let b = 0; b < B; b++) {
    bins.set(batch.bins.subarray(b * (T + 1) * c.NF, (b * (T + 1) + t + 1) * c.NF), b * (t + 1) * c.NF);
    time.set(batch.time.subarray(b * T * c.NTIME, (b * T + t) * c.NTIME), b * t * c.NTIME);
  }
  return { B, T: t, bins, time, node: batch.node.slice(), customer: batch.customer.slice() };
}

/** Window b of a batch as a batch of one. */
export function windowOf(c: ModelConfig, batch: Batch, b: number): Batch {
  const { T } = batch;
  return {
    B: 1,
    T,
    bins: batch.bins.slice(b * (T + 1) * c.NF, (b + 1) * (T + 1) * c.NF),
    time: batch.time.slice(b * T * c.NTIME, (b + 1) * T * c.NTIME),
    node: batch.node.slice(b, b + 1),
    customer: batch.customer.slice(b, b + 1),
  };
}
