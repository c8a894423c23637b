/** @module A batch of windows (docs/model.md "Input of one window"): validation and the split into inputs (minutes 0..T−1) and targets (minutes 1..T). */
import type { ModelConfig } from "./config.js";

/** B windows of T input minutes (T+1 binned minutes each). */
export interface Batch {
  B: number;
  T: number;
  /** (B, T+1, NF) u8 in [0, V), minute-major per window. */
  bins: Uint8Array;
  /** (B, T, NTIME) timeIndices of each input minute, in [0, timeRows). */
  time: Int32Array;
  /** (B) node row per window. */
  node: Int32Array;
  /** (B) customer row per window. */
  customer: Int32Array;
}

/** Host arrays ready to upload: one entry per token (BT = B·T). */
export interface PackedBatch {
  inputs: Uint8Array; // (BT, NF)
  targets: Uint8Array; // (BT, NF)
  node: Int32Array; // (BT)
  customer: Int32Array; // (BT)
}

export class BatchError extends Error {
  override name = "BatchError";
}

/** Checks sizes and index ranges (the kernels do not), then splits bins and expands node/customer per token. */
export function packBatch(c: ModelConfig, batch: Batch, maxB: number, maxT: number): PackedBatch {
  const { B, T, bins, time, node, customer } = batch;
  if (!Number.isInteger(B) || B < 1 || B > maxB) throw new BatchError(`batch B=${B} must be in [1, ${maxB}]`);
  if (!Number.isInteger(T) || T < 1 || T > maxT) throw new BatchError(`batch T=${T} must be in [1, ${maxT}]`);
  const NF = c.NF;
  const expect = (what: string, got: number, want: number): void => {
    if (got !== want) throw new BatchError(`batch.${what} has ${got} elements, expected ${want}`);
  };
  expect("bins", bins.length, B * (T + 1) * NF);
  expect("time", time.length, B * T * c.NTIME);
  expect("node", node.length, B);
  expect("customer", customer.length, B);
  for (let i = 0; i < bins.length; i++) if (bins[i]! >= c.V) throw new BatchError(`batch.bins[${i}] = ${bins[i]!} is not a bin in [0, ${c.V})`);
  for (let i = 0; i < time.length; i++) {
    const x = time[i]!;
    if (x < 0 || x >= c.timeRows) throw new BatchError(`batch.time[${i}] = ${x} is outside [0, ${c.timeRows})`);
  }
  const inputs = new Uint8Array(B * T * NF);
  const targets = new Uint8Array(B * T * NF);
  const nodeTok = new Int32Array(B * T);
  const customerTok = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const n = node[b]!;
    const k = customer[b]!;
    if (!(n >= 0 && n < c.nodes)) throw new BatchError(`batch.node[${b}] = ${n} is outside [0, ${c.nodes})`);
    if (!(k >= 0 && k < c.customers)) throw new BatchError(`batch.customer[${b}] = ${k} is outside [0, ${c.customers})`);
    const src = b * (T + 1) * NF;
    inputs.set(bins.subarray(src, src + T * NF), b * T * NF);
    targets.set(bins.subarray(src + NF, src + (T + 1) * NF), b * T * NF);
    nodeTok.fill(n, b * T, (b + 1) * T);
    customerTok.fill(k, b * T, (b + 1) * T);
  }
  return { inputs, targets, node: nodeTok, customer: customerTok };
}
