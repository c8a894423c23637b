/** @module Whole-model gradient check of the Multiscale-LSTM + survival head in float64 (tiny config, central differences), and its causality: minute t's features ignore minutes after t. */
import { describe, expect, it } from "vitest";
import { allocHeadActs, allocHeadScratch, headBackward, headForward, headLoss } from "../../detect/head/head.js";
import { mlpViews } from "../../detect/head/mlp.js";
import { newHead } from "../../detect/head/train.js";
import type { Backend } from "../../engine/kernels.js";
import { referenceLstmKernels } from "../../engine/lstm/reference.js";
import { referenceBackend } from "../../engine/reference/index.js";
import { mulberry32 } from "../../engine/rng.js";
import type { LstmConfig } from "./config.js";
import { MultiscaleLstm } from "./model.js";

/** The reference backend on float64 arrays (the reference kernels accept both widths). */
const f64Backend: Backend = { ...referenceBackend, name: "reference", alloc: (n) => new Float64Array(n) as unknown as Float32Array };

const cfg: LstmConfig = { NF: 3, V: 4, timeRows: 5, NTIME: 2, E: 3, H: 2, scales: [1, 2, 3] };
const T = 7;
const B = 2;

function batch(seed: number): { bins: number[]; time: number[] } {
  const r = mulberry32(seed);
  return { bins: Array.from({ length: B * T * cfg.NF }, () => Math.floor(r() * cfg.V)), time: Array.from({ length: B * T * cfg.NTIME }, (_, i) => (i % 2 === 0 ? 0 : 2) + Math.floor(r() * 2)) };
}

describe("Multiscale-LSTM", () => {
  it("matches central differences of the mean SAFE loss for every parameter view and the head (float64)", async () => {
    const model = new MultiscaleLstm(f64Backend, referenceLstmKernels, cfg, B, T, 3);
    const { bins, time } = batch(4);
    model.setBatch(bins, time, B);
    const labels = [1, 0];
    const head = newHead(model.D, T, 4, 5);
    const hp = Float64Array.from(head.params);
    const make = (n: number): Float64Array => new Float64Array(n);
    const acts = allocHeadActs(B, T, head.cfg, make);
    const loss = async (): Promise<number> => {
      model.forward();
      headForward(acts, mlpViews(hp, head.cfg), await model.features(), B, T, head.cfg);
      return headLoss(acts, labels, B, T);
    };
    const l0 = await loss();
    expect(Number.isFinite(l0)).toBe(true);
    const hg = new Float64Array(hp.length);
    const scratch = allocHeadScratch(B, T, head.cfg, make, true);
    headBackward(mlpViews(hg, head.cfg), scratch, acts, mlpViews(hp, head.cfg), await model.features(), labels, B, T, head.cfg);
    model.zeroGrad();
    model.backward(scratch.dinp!);
    const params = model.params as unknown as Float64Array;
    const grads = model.grads as unknown as Float64Array;
    const fd = async (buf: Float64Array, i: number): Promise<number> => {
      const x0 = buf[i]!;
      const h = 1e-6;
      buf[i] = x0 + h;
      const lp = await loss();
      buf[i] = x0 - h;
      const lm = await loss();
      buf[i] = x0;
      return (lp - lm) / (2 * h);
    };
    // every element of the small views; the embedding rows the batch uses
    const views = [model.p.bInp, ...model.p.scales.flatMap((s) => [s.wIh, s.wHh, s.bias]), model.p.wInp] as unknown as Float64Array[];
    let checked = 0;
    let nonzero = 0;
    for (const v of views) {
      const off = v.byteOffset / 8;
      for (let i = 0; i < v.length; i++) {
        const want = await fd(params, off + i);
        const got = grads[off + i]!;
        expect(Math.abs(got - want), `param ${off + i}: got ${got}, want ${want}`).toBeLessThanOrEqual(1e-7 + 1e-5 * Math.abs(want));
        checked++;
        if (Math.abs(want) > 1e-6) nonzero++;
      }
    }
    for (let i = 0; i < hp.length; i++) {
      const want = await fd(hp, i);
      expect(Math.abs(hg[i]! - want), `head ${i}`).toBeLessThanOrEqual(1e-7 + 1e-5 * Math.abs(want));
    }
    expect(checked).toBe(model.p.bInp.length + model.p.wInp.length + model.p.scales.reduce((s, x) => s + x.wIh.length + x.wHh.length + x.bias.length, 0));
    expect(nonzero).toBeGreaterThan(checked / 2);
  }, 60_000);

  it("is causal: changing minutes > t leaves the features of minutes ≤ t unchanged, and minute t of a coarse scale changes only once its bucket ends", async () => {
    const model = new MultiscaleLstm(f64Backend, referenceLstmKernels, cfg, B, T, 7);
    const { bins, time } = batch(8);
    model.setBatch(bins, time, B);
    model.forward();
    const before = Float64Array.from(await model.features());
    const t0 = 3;
    const changed = bins.slice();
    for (let b = 0; b < B; b++) for (let f = 0; f < cfg.NF; f++) changed[(b * T + t0) * cfg.NF + f] = (changed[(b * T + t0) * cfg.NF + f]! + 1) % cfg.V;
    model.setBatch(changed, time, B);
    model.forward();
    const after = await model.features();
    const D = model.D;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let s = 0; s < cfg.scales.length; s++) {
          const k = cfg.scales[s]!;
          const bucketEnd = (Math.floor(t0 / k) + 1) * k - 1; // the first minute that sees minute t0 at scale k
          for (let j = 0; j < cfg.H; j++) {
            const i = (b * T + t) * D + s * cfg.H + j;
            if (t < bucketEnd) expect(after[i], `b${b} t${t} scale ${k}`).toBe(before[i]);
          }
          if (bucketEnd < T) {
            const i = (b * T + bucketEnd) * D + s * cfg.H;
            expect(after[i] !== before[i] || after[i + 1] !== before[i + 1], `scale ${k} reacts at minute ${bucketEnd}`).toBe(true);
          }
        }
  });
});
