/** @module Whole-model finite-difference gradient check of the decoder on `tiny`, in float64 (reference64), with and without dropout. */
import { describe, expect, it } from "vitest";
import { Mulberry32 } from "../rng.js";
import { modelConfig } from "./config.js";
import { Decoder } from "./model.js";
import { randomBatch, reference64 } from "./test-helpers.js";

const H = 1e-5;
/** |analytic − numeric| ≤ REL·max(|analytic|, |numeric|) + ABS; ABS covers the float64 rounding of the mean loss (~1e-14) divided by 2H. */
const REL = 1e-5;
const ABS = 2e-9;
const RANDOM_SAMPLES = 3;
const TOP_SAMPLES = 3;

async function gradcheck(dropout: number): Promise<void> {
  const config = modelConfig("tiny", { dropout });
  const model = new Decoder(reference64, config, { maxB: 2, maxT: 8, seed: 11 });
  // raise the weights above the tiny init so every path (LN, attention, GELU) is well away from linear
  const params = model.params.buffer; // a Float64Array (reference64)
  for (const e of model.layout.entries) if (e.init.kind === "normal") for (let i = 0; i < e.size; i++) params[e.offset + i] = params[e.offset + i]! * 10;
  model.setBatch(randomBatch(config, 2, 6, 5));
  const run = { train: true, dropoutSeed: 1234 };
  model.zeroGrad();
  model.forward(run);
  model.backward();
  const grads = await model.readGrads();
  const loss = async (): Promise<number> => {
    model.forward(run);
    return model.loss();
  };

  const rng = new Mulberry32(7);
  let checked = 0;
  let worst = 0;
  for (const e of model.layout.entries) {
    const g = grads.subarray(e.offset, e.offset + e.size);
    const byMagnitude = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!));
    const sample = new Set([...byMagnitude.slice(0, TOP_SAMPLES), ...Array.from({ length: RANDOM_SAMPLES }, () => rng.int(e.size))]);
    expect(Math.abs(g[byMagnitude[0]!]!), `${e.name}: some gradient is non-zero`).toBeGreaterThan(0);
    for (const i of sample) {
      const j = e.offset + i;
      const x0 = params[j]!;
      params[j] = x0 + H;
      const lp = await loss();
      params[j] = x0 - H;
      const lm = await loss();
      params[j] = x0;
      const numeric = (lp - lm) / (2 * H);
      const analytic = g[i]!;
      const err = Math.abs(analytic - numeric);
      const bound = REL * Math.max(Math.abs(analytic), Math.abs(numeric)) + ABS;
      worst = Math.max(worst, err / bound);
      expect(err, `${e.name}[${i}]: analytic ${analytic} vs numeric ${numeric}`).toBeLessThanOrEqual(bound);
      checked++;
    }
  }
  console.log(`dropout ${dropout}: ${checked} elements, worst err/bound ${worst.toFixed(3)}`);
  expect(checked).toBeGreaterThan(model.layout.entries.length * TOP_SAMPLES);
  // padding between views carries no gradient
  let covered = 0;
  for (const e of model.layout.entries) covered += e.size;
  let padding = 0;
  let last = 0;
  for (const e of model.layout.entries) {
    for (let i = last; i < e.offset; i++) padding += Math.abs(grads[i]!);
    last = e.offset + e.size;
  }
  for (let i = last; i < model.layout.total; i++) padding += Math.abs(grads[i]!);
  expect(covered).toBe(model.layout.count);
  expect(padding).toBe(0);
}

describe("Decoder gradients (finite differences, float64, tiny)", () => {
  it("match central differences for every parameter tensor, no dropout", async () => {
    await gradcheck(0);
  }, 180_000);
  it("match central differences for every parameter tensor, residual dropout 0.3 (fixed masks)", async () => {
    await gradcheck(0.3);
  }, 180_000);
});
