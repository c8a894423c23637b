/** @module Finite-difference gradient checks of every reference backward kernel (float64 central differences), and AdamW against a hand-computed 2-step update. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adamWUpdate } from "./reference/adam.js";
import { attentionBackward, attentionForward } from "./reference/attention.js";
import { crossEntropyBackward, crossEntropyForward } from "./reference/cross-entropy.js";
import { dropoutBackward, dropoutForward } from "./reference/dropout.js";
import { embeddingBackward, embeddingForward } from "./reference/embedding.js";
import { geluBackward, geluForward } from "./reference/gelu.js";
import { layernormBackward, layernormForward } from "./reference/layernorm.js";
import { matmulBackward, matmulForward } from "./reference/matmul.js";
import { residualBackward, residualForward, total } from "./reference/reduce.js";
import { mulberry32 } from "./rng.js";

/** The reference kernels run in float64 here (they accept Float64Array), so differences are exact to ~1e-10. */
const H = 1e-6;
const REL = 1e-6;

function rand(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const r = mulberry32(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/**
 * Checks the analytic gradient `grad` of L(x) = Σ dout·forward(x) against central differences:
 * ‖analytic − numeric‖∞ / max(‖analytic‖∞, ‖numeric‖∞, 1e-8) < REL.
 */
function check(what: string, x: Float64Array, grad: Float64Array, loss: () => number): void {
  const num = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i] as number;
    x[i] = x0 + H;
    const lp = loss();
    x[i] = x0 - H;
    const lm = loss();
    x[i] = x0;
    num[i] = (lp - lm) / (2 * H);
  }
  let err = 0;
  let scale = 1e-8;
  for (let i = 0; i < x.length; i++) {
    err = Math.max(err, Math.abs((grad[i] as number) - (num[i] as number)));
    scale = Math.max(scale, Math.abs(grad[i] as number), Math.abs(num[i] as number));
  }
  expect(err / scale, `${what}: relative error`).toBeLessThan(REL);
}

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe("gradcheck (reference kernels, float64)", () => {
  it("matmul over random small shapes (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (BT, C, OC, seed) => {
        const inp = rand(BT * C, seed);
        const w = rand(OC * C, seed + 1);
        const b = rand(OC, seed + 2);
        const dout = rand(BT * OC, seed + 3);
        const out = new Float64Array(BT * OC);
        const loss = (): number => (matmulForward(out, inp, w, b, BT, C, OC), dot(out, dout));
        const [dinp, dw, db] = [new Float64Array(BT * C), new Float64Array(OC * C), new Float64Array(OC)];
        matmulBackward(dinp, dw, db, dout, inp, w, BT, C, OC);
        check("dinp", inp, dinp, loss);
        check("dweight", w, dw, loss);
        check("dbias", b, db, loss);
      }),
      { numRuns: 25, seed: 4 },
    );
  });

  it("layernorm", () => {
    const [BT, C] = [3, 7];
    const inp = rand(BT * C, 10, -2, 2);
    const w = rand(C, 11, 0.5, 1.5);
    const b = rand(C, 12);
    const dout = rand(BT * C, 13);
    const [out, mean, rstd] = [new Float64Array(BT * C), new Float64Array(BT), new Float64Array(BT)];
    const loss = (): number => (layernormForward(out, mean, rstd, inp, w, b, BT, C), dot(out, dout));
    loss();
    const [dinp, dw, db] = [new Float64Array(BT * C), new Float64Array(C), new Float64Array(C)];
    layernormBackward(dinp, dw, db, dout, inp, w, mean, rstd, BT, C);
    check("dinp", inp, dinp, loss);
    check("dweight", w, dw, loss);
    check("dbias", b, db, loss);
  });

  it("gelu", () => {
    const N = 19;
    const inp = rand(N, 20, -4, 4);
    const dout = rand(N, 21);
    const out = new Float64Array(N);
    const dinp = new Float64Array(N);
    geluBackward(dinp, inp, dout, N);
    check("dinp", inp, dinp, () => (geluForward(out, inp, N), dot(out, dout)));
  });

  for (const [B, T, C, NH] of [[1, 1, 3, 1], [2, 4, 6, 2], [1, 5, 8, 4]] as const) {
    it(`attention B=${B} T=${T} C=${C} NH=${NH}`, () => {
      const qkv = rand(B * T * 3 * C, 30 + T, -1.5, 1.5);
      const dout = rand(B * T * C, 31);
      const out = new Float64Array(B * T * C);
      const att = new Float64Array(B * NH * T * T);
      const loss = (): number => (attentionForward(out, null, att, qkv, B, T, C, NH), dot(out, dout));
      loss();
      const dqkv = new Float64Array(B * T * 3 * C);
      attentionBackward(dqkv, new Float64Array(B * NH * T * T), new Float64Array(B * NH * T * T), dout, qkv, att, B, T, C, NH);
      check("dqkv", qkv, dqkv, loss);
    });
  }

  it("embedding (scatter-add)", () => {
    const [B, T, C, NF, V, NTIME, ROWS_T] = [2, 2, 5, 3, 4, 2, 5] as const;
    const BT = B * T;
    const r = mulberry32(40);
    const bins = Uint8Array.from({ length: BT * NF }, () => Math.floor(r() * V));
    const time = Int32Array.from({ length: BT * NTIME }, () => Math.floor(r() * ROWS_T));
    const node = Int32Array.from({ length: BT }, () => Math.floor(r() * 3));
    const customer = Int32Array.from({ length: BT }, () => Math.floor(r() * 2));
    const wInp = rand((NF * V + ROWS_T) * C, 41);
    const bias = rand(C, 42);
    const wNode = rand(3 * C, 43);
    const wCust = rand(2 * C, 44);
    const wPos = rand(3 * C, 46);
    const dout = rand(BT * C, 45);
    const out = new Float64Array(BT * C);
    const loss = (): number => (embeddingForward(out, bins, time, node, customer, wInp, bias, wPos, wNode, wCust, B, T, C, NF, V, NTIME), dot(out, dout));
    const [dwInp, dbias, dwPos, dwNode, dwCust] = [new Float64Array(wInp.length), new Float64Array(C), new Float64Array(wPos.length), new Float64Array(wNode.length), new Float64Array(wCust.length)];
    embeddingBackward(dwInp, dbias, dwPos, dwNode, dwCust, dout, bins, time, node, customer, B, T, C, NF, V, NTIME);
    check("dwInp", wInp, dwInp, loss);
    check("dbias", bias, dbias, loss);
    check("dwNode", wNode, dwNode, loss);
    check("dwCustomer", wCust, dwCust, loss);
    check("dwPos", wPos, dwPos, loss);
  });

  it("cross-entropy (mean loss over 86 x 10 heads)", () => {
    const [BT, NF, V] = [2, 86, 10] as const;
    const logits = rand(BT * NF * V, 50, -3, 3);
    const r = mulberry32(51);
    const targets = Uint8Array.from({ length: BT * NF }, () => Math.floor(r() * V));
    const losses = new Float64Array(BT * NF);
    const probs = new Float64Array(BT * NF * V);
    const loss = (): number => (crossEntropyForward(losses, probs, logits, targets, BT, NF, V), total(losses, BT * NF) / (BT * NF));
    loss();
    const dlogits = new Float64Array(BT * NF * V);
    crossEntropyBackward(dlogits, probs, targets, 1 / (BT * NF), BT, NF, V);
    check("dlogits", logits, dlogits, loss);
  });

  it("residual", () => {
    const N = 6;
    const [a, b, dout] = [rand(N, 60), rand(N, 61), rand(N, 62)];
    const out = new Float64Array(N);
    const loss = (): number => (residualForward(out, a, b, N), dot(out, dout));
    const [da, db] = [new Float64Array(N), new Float64Array(N)];
    residualBackward(da, db, dout, N);
    check("dinp1", a, da, loss);
    check("dinp2", b, db, loss);
  });

  it("dropout (with its saved mask)", () => {
    const N = 50;
    const p = 0.3;
    const inp = rand(N, 70);
    const dout = rand(N, 71);
    const out = new Float64Array(N);
    const mask = new Uint8Array(N);
    const loss = (): number => (dropoutForward(out, mask, inp, N, p, 9), dot(out, dout));
    const dinp = new Float64Array(N);
    loss();
    dropoutBackward(dinp, dout, mask, N, p);
    check("dinp", inp, dinp, loss);
  });
});

describe("adamW: hand-computed 2-step update", () => {
  it("lr 0.1, β 0.9/0.999, eps 0, weight decay 0 and 0.1", () => {
    // step 1, g = 0.5: m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25 → update 0.5/0.5 = 1
    //   p = 1 − 0.1·1 = 0.9 (wd 0);  p = 1 − 0.1·(1 + 0.1·1) = 0.89 (wd 0.1)
    // step 2, g = −0.25: m = 0.045 − 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225
    //   m̂ = 0.02/0.19 = 0.1052631579, v̂ = 0.00031225/0.001999 = 0.1562031016, √v̂ = 0.3952253807
    //   update = 0.2663370397: p = 0.9 − 0.02663370397 = 0.8733662960 (wd 0)
    //   p = 0.89 − 0.1·(0.2663370397 + 0.1·0.89) = 0.8544662960 (wd 0.1)
    for (const [wd, p1, p2] of [[0, 0.9, 0.87336629603396], [0.1, 0.89, 0.85446629603396]] as const) {
      const params = new Float64Array([1]);
      const m = new Float64Array(1);
      const v = new Float64Array(1);
      adamWUpdate(params, new Float64Array([0.5]), m, v, 1, 0.1, 0.9, 0.999, 0, wd, 1);
      expect(params[0]).toBeCloseTo(p1, 12);
      expect(m[0]).toBeCloseTo(0.05, 14);
      expect(v[0]).toBeCloseTo(0.00025, 14);
      adamWUpdate(params, new Float64Array([-0.25]), m, v, 1, 0.1, 0.9, 0.999, 0, wd, 2);
      expect(m[0]).toBeCloseTo(0.02, 14);
      expect(v[0]).toBeCloseTo(0.00031225, 14);
      expect(params[0]).toBeCloseTo(p2, 12);
    }
  });
  it("float32 storage: the same 2 steps within float32 rounding", () => {
    const params = new Float32Array([1, 1]);
    const [m, v] = [new Float32Array(2), new Float32Array(2)];
    adamWUpdate(params, new Float32Array([0.5, 0.5]), m, v, 2, 0.1, 0.9, 0.999, 1e-8, 0.1, 1);
    adamWUpdate(params, new Float32Array([-0.25, -0.25]), m, v, 2, 0.1, 0.9, 0.999, 1e-8, 0.1, 2);
    expect(params[0]).toBeCloseTo(0.85446629603396, 5);
    expect(params[1]).toBe(params[0]);
  });
});
