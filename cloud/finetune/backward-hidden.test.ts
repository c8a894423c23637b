/** @module Finite-difference check of Decoder.backwardFromHidden on `tiny` in float64: L = Σ r ⊙ h for a fixed random r, every parameter tensor but the output head, with residual dropout. */
import { describe, expect, it } from "vitest";
import { modelConfig } from "../engine/model/config.js";
import { Decoder } from "../engine/model/model.js";
import { randomBatch, reference64 } from "../engine/model/test-helpers.js";
import { Mulberry32 } from "../engine/rng.js";

const H = 1e-5;
const REL = 1e-5;
const ABS = 2e-9;

describe("Decoder.backwardFromHidden (finite differences, float64, tiny)", () => {
  it("matches central differences of a loss on the hidden state; wOut and bOut get no gradient", async () => {
    const config = modelConfig("tiny", { dropout: 0.3 });
    const model = new Decoder(reference64, config, { maxB: 2, maxT: 8, seed: 3 });
    const params = model.params.buffer;
    for (const e of model.layout.entries) if (e.init.kind === "normal") for (let i = 0; i < e.size; i++) params[e.offset + i] = params[e.offset + i]! * 10;
    const B = 2;
    const T = 6;
    model.setBatch(randomBatch(config, B, T, 9));
    const n = B * T * config.dModel;
    const rng = new Mulberry32(5);
    const r = Float64Array.from({ length: n }, () => rng.next() * 2 - 1);
    const run = { train: true, dropoutSeed: 77 };
    const loss = async (): Promise<number> => {
      model.forward(run);
      const h = await reference64.read(model.hidden());
      let s = 0;
      for (let i = 0; i < n; i++) s += r[i]! * h[i]!;
      return s;
    };
    await loss();
    model.zeroGrad();
    model.backwardFromHidden(r);
    const grads = await model.readGrads();
    expect(() => model.backwardFromHidden(r.subarray(1))).toThrow(/B·T·C/);

    let checked = 0;
    for (const e of model.layout.entries) {
      const g = grads.subarray(e.offset, e.offset + e.size);
      if (e.name === "wOut" || e.name === "bOut") {
        expect(g.every((x) => x === 0), `${e.name} has no gradient from the hidden state`).toBe(true);
        continue;
      }
      const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!));
      expect(Math.abs(g[order[0]!]!), `${e.name}: some gradient is non-zero`).toBeGreaterThan(0);
      for (const i of new Set([...order.slice(0, 2), rng.int(e.size), rng.int(e.size)])) {
        const j = e.offset + i;
        const x0 = params[j]!;
        params[j] = x0 + H;
        const lp = await loss();
        params[j] = x0 - H;
        const lm = await loss();
        params[j] = x0;
        const numeric = (lp - lm) / (2 * H);
        const analytic = g[i]!;
        expect(Math.abs(analytic - numeric), `${e.name}[${i}]: analytic ${analytic} vs numeric ${numeric}`).toBeLessThanOrEqual(REL * Math.max(Math.abs(analytic), Math.abs(numeric)) + ABS);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2 * (model.layout.entries.length - 2));
  }, 60_000);
});
