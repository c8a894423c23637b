/** @module Finite-difference gradient checks (float64) of softplus, the cumulative hazard, SAFE (c = 0, 1; Λ tiny, moderate, huge), the whole survival head and the type classifier. */
import { describe, expect, it } from "vitest";
import { Mulberry32, mulberry32 } from "../../engine/rng.js";
import { allocClassifierActs, classifierBackward, classifierForward } from "./classifier.js";
import { allocHeadActs, allocHeadScratch, headBackward, headConfig, headForward, headLoss } from "./head.js";
import { mlpInit, mlpLayout, mlpViews } from "./mlp.js";
import { safeGrad, safeLoss } from "./safe.js";
import { softplusBackward, softplusForward } from "./softplus.js";
import { cumulativeBackward, cumulativeForward, survivalBackward, survivalForward } from "./survival.js";

function rand(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const r = mulberry32(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
}
const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** Central differences of loss() w.r.t. x, compared to grad: max |a − n| / max(|a|, |n|, 1e-8) < rel. */
function check(what: string, x: Float64Array, grad: Float64Array, loss: () => number, h = 1e-6, rel = 1e-6): void {
  let err = 0;
  let scale = 1e-8;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    x[i] = x0 + h;
    const lp = loss();
    x[i] = x0 - h;
    const lm = loss();
    x[i] = x0;
    const num = (lp - lm) / (2 * h);
    err = Math.max(err, Math.abs(grad[i]! - num));
    scale = Math.max(scale, Math.abs(grad[i]!), Math.abs(num));
  }
  expect(err / scale, `${what}: relative error`).toBeLessThan(rel);
}

describe("gradcheck (detection head, float64)", () => {
  it("softplus, including large |x|", () => {
    const x = Float64Array.from([-40, -8, -1, -1e-3, 0, 1e-3, 0.7, 3, 25, 60]);
    const dout = rand(x.length, 1);
    const out = new Float64Array(x.length);
    const dx = new Float64Array(x.length);
    softplusForward(out, x, x.length);
    softplusBackward(dx, x, dout, x.length);
    check("softplus", x, dx, () => (softplusForward(out, x, x.length), dot(out, dout)), 1e-5);
    softplusForward(out, x, x.length); // check() left the last perturbed forward in out
    // values: stable form against the textbook one where the latter is exact enough
    expect(out[4]).toBeCloseTo(Math.log(2), 12);
    expect(out[9]).toBe(60 + Math.log1p(Math.exp(-60)));
    expect(out[0]).toBeGreaterThan(0);
  });

  it("cumulative hazard and survival", () => {
    const [N, T] = [3, 5];
    const hz = rand(N * T, 2, 0, 0.5);
    const dout = rand(N * T, 3);
    const cum = new Float64Array(N * T);
    const S = new Float64Array(N * T);
    const loss = () => (cumulativeForward(cum, hz, N, T), survivalForward(S, cum, N * T), dot(S, dout));
    loss();
    const dcum = new Float64Array(N * T);
    const dhz = new Float64Array(N * T);
    survivalBackward(dcum, S, dout, N * T);
    cumulativeBackward(dhz, dcum, N, T);
    check("cum+survival", hz, dhz, loss);
  });

  for (const c of [0, 1]) {
    for (const lambda of [1e-8, 1e-3, 0.7, 5, 50]) {
      it(`SAFE c = ${c}, Λ = ${lambda}`, () => {
        // relative step: the loss varies on the scale of Λ itself near 0
        const h = Math.min(1e-6, lambda * 1e-4);
        const x = Float64Array.from([lambda]);
        const g = Float64Array.from([safeGrad(lambda, c)]);
        check(`SAFE(${c}, ${lambda})`, x, g, () => safeLoss(x[0]!, c), h, 1e-5);
        const L = safeLoss(lambda, c);
        expect(Number.isFinite(L)).toBe(true);
        expect(L).toBeGreaterThanOrEqual(0);
        // against the definition −[c·log(1 − S) + (1 − c)·log S] evaluated in float64 where that is accurate
        if (lambda >= 1e-3 && lambda <= 5) {
          const S = Math.exp(-lambda);
          expect(L).toBeCloseTo(-(c * Math.log(1 - S) + (1 - c) * Math.log(S)), 10);
        }
      });
    }
  }

  it("SAFE at the extremes: tiny Λ for an attack ≈ −log Λ, huge Λ for an attack ≈ e^(−Λ)", () => {
    expect(safeLoss(1e-8, 1)).toBeCloseTo(-Math.log(1e-8), 6);
    expect(safeLoss(50, 1)).toBeCloseTo(Math.exp(-50), 30);
    expect(safeLoss(50, 1)).toBeGreaterThan(0);
    expect(safeLoss(1000, 0)).toBe(1000);
    expect(Math.abs(safeGrad(1000, 1))).toBe(0);
    expect(safeGrad(1e-8, 1)).toBeCloseTo(-1e8, -1);
    expect(Number.isFinite(safeLoss(0, 1))).toBe(true);
  });

  it("the whole head: parameters and inputs", () => {
    const [N, T, C, H] = [3, 4, 5, 7];
    const cfg = headConfig(C, H);
    const buf = new Float64Array(mlpLayout(cfg).total);
    const p = mlpViews(buf, cfg);
    mlpInit(p, cfg, new Mulberry32(7), -1.5);
    const inp = rand(N * T * C, 8, -2, 2);
    const labels = [1, 0, 1];
    const f64 = (n: number) => new Float64Array(n);
    const acts = allocHeadActs(N, T, cfg, f64);
    const loss = () => (headForward(acts, p, inp, N, T, cfg), headLoss(acts, labels, N, T));
    loss();
    const gbuf = new Float64Array(buf.length);
    const g = mlpViews(gbuf, cfg);
    const s = allocHeadScratch(N, T, cfg, f64);
    headBackward(g, s, acts, p, inp, labels, N, T, cfg);
    check("head params", buf, gbuf, loss);
    check("head input", inp, s.dinp as Float64Array, loss);
  });

  it("the type classifier: weighted cross-entropy through the MLP, parameters and inputs", () => {
    const [M, C, H, K] = [5, 4, 6, 3];
    const cfg = { C, H, OC: K };
    const buf = new Float64Array(mlpLayout(cfg).total);
    const p = mlpViews(buf, cfg);
    mlpInit(p, cfg, new Mulberry32(17), 0.1);
    const inp = rand(M * C, 18, -2, 2);
    const targets = Uint8Array.from([0, 2, 1, 1, 0]);
    const weight = [0.5, 0.25, 0.25, 1 / 3, 1 / 3];
    const f64 = (n: number) => new Float64Array(n);
    const acts = allocClassifierActs(M, cfg, f64);
    const loss = () => classifierForward(acts, p, inp, targets, weight, M, cfg);
    loss();
    const gbuf = new Float64Array(buf.length);
    const dinp = new Float64Array(M * C);
    classifierBackward(dinp, mlpViews(gbuf, cfg), { pre: f64(M * H), h: f64(M * H) }, f64(M * K), acts, p, inp, targets, weight, M, cfg);
    check("classifier params", buf, gbuf, loss);
    check("classifier input", inp, dinp, loss);
  });
});
