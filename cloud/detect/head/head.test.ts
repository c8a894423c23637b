/** @module Survival head properties (fast-check: S non-increasing, S ∈ (0, 1], L ≥ 0), the parameter layout, and the trainer: deterministic, loss going down, early stopping, separation of synthetic attacks. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Mulberry32 } from "../../engine/rng.js";
import { prepareExample } from "../metrics.js";
import { evaluateSurvival } from "../survival-detect.js";
import { allocHeadActs, headConfig, headForward, headLoss } from "./head.js";
import { mlpInit, mlpLayout, mlpParameterCount, mlpViews } from "./mlp.js";
import { syntheticHidden } from "./testdata.js";
import { headSurvival, initialOutputBias, meanHeadLoss, trainHead } from "./train.js";

describe("survival head", () => {
  it("has the paper's size at C = 128 and aligned views", () => {
    const cfg = headConfig(128);
    expect(mlpParameterCount(cfg)).toBe(128 * 512 + 512 + 512 + 1); // 66,561 ≈ the paper's 67K
    const l = mlpLayout(cfg);
    for (const o of [l.w1, l.b1, l.w2, l.b2, l.total]) expect(o % 64).toBe(0);
    const p = mlpViews(new Float32Array(l.total), cfg);
    p.b2[0] = 3;
    expect(p.buf[l.b2]).toBe(3);
  });

  it("S is non-increasing and in (0, 1], L ≥ 0 (fast-check, float32)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer(),
        fc.double({ min: -8, max: 4, noNaN: true }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        (N, T, C, seed, bias, scale) => {
          const cfg = headConfig(C, 8);
          const p = mlpViews(new Float32Array(mlpLayout(cfg).total), cfg);
          const rng = new Mulberry32(seed);
          mlpInit(p, cfg, rng, bias);
          const inp = Float32Array.from({ length: N * T * C }, () => scale * rng.normal());
          const acts = allocHeadActs(N, T, cfg);
          headForward(acts, p, inp, N, T, cfg);
          for (let n = 0; n < N; n++) {
            for (let t = 0; t < T; t++) {
              const s = acts.survival[n * T + t]!;
              expect(s).toBeGreaterThan(0);
              expect(s).toBeLessThanOrEqual(1);
              expect(acts.hazard[n * T + t]!).toBeGreaterThanOrEqual(0);
              if (t > 0) expect(s).toBeLessThanOrEqual(acts.survival[n * T + t - 1]!);
            }
          }
          for (const labels of [Array(N).fill(0), Array(N).fill(1)]) {
            const L = headLoss(acts, labels, N, T);
            expect(L).toBeGreaterThanOrEqual(0);
            expect(Number.isFinite(L)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("starts with S(T−1) ≈ 1/2 for every example", () => {
    const set = syntheticHidden(4, 32, 6, 3);
    const head = trainHead(set.hidden, set.labels, { epochs: 0, hiddenUnits: 8, seed: 4 });
    const S = headSurvival(head, set.hidden);
    for (let n = 0; n < 4; n++) expect(Math.abs(S[n * 32 + 31]! - 0.5)).toBeLessThan(0.25);
    expect(initialOutputBias(32)).toBeLessThan(0);
  });
});

describe("trainHead", () => {
  const T = 24;
  const C = 6;
  const train = syntheticHidden(48, T, C, 11);
  const val = syntheticHidden(24, T, C, 12);
  const test = syntheticHidden(24, T, C, 13);
  const opts = { epochs: 12, lr: 3e-3, batch: 8, seed: 5, hiddenUnits: 16 };

  it("is deterministic, lowers the loss and keeps the best validation epoch", () => {
    const a = trainHead(train.hidden, train.labels, { ...opts, validation: { hidden: val.hidden, labels: val.labels } });
    const b = trainHead(train.hidden, train.labels, { ...opts, validation: { hidden: val.hidden, labels: val.labels } });
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    expect(a.history.length).toBe(12);
    expect(a.history[11]!.trainLoss).toBeLessThan(a.history[0]!.trainLoss * 0.7);
    const vals = a.history.map((h) => h.valLoss!);
    expect(vals[a.bestEpoch - 1]).toBe(Math.min(...vals));
    expect(meanHeadLoss(a, val.hidden, val.labels)).toBeCloseTo(Math.min(...vals), 5);
    const c = trainHead(train.hidden, train.labels, { ...opts, epochs: 1, seed: 6 });
    const d = trainHead(train.hidden, train.labels, { ...opts, epochs: 1 });
    expect(Array.from(c.params)).not.toEqual(Array.from(d.params));
  });

  it("separates synthetic attacks: τ on validation, TPR and effectiveness on test", () => {
    const head = trainHead(train.hidden, train.labels, opts);
    const prep = (s: typeof val) =>
      s.labels.map((l, n) =>
        prepareExample({
          label: l as 0 | 1,
          type: "dns",
          onset: s.onsets[n]!,
          anomalousBytes: Array.from({ length: T }, (_, t) => (l === 1 && t >= s.onsets[n]! ? 100 : 0)),
          normalBytes: Array(T).fill(10),
        }),
      );
    const r = evaluateSurvival({ survival: headSurvival(head, val.hidden), examples: prep(val) }, { survival: headSurvival(head, test.hidden), examples: prep(test) }, { p: 0.8, level: 0.1 });
    expect(r.test!.overall.tpr).toBeGreaterThanOrEqual(0.9);
    expect(r.test!.overall.effectiveness).toBeGreaterThan(0.8);
    // threshold-free: S at the window's end ranks attacks below non-attacks (AUC); the criterion itself
    // maximizes effectiveness and tolerates late false alarms (they cost little overhead), so F1 is not asserted
    const S = headSurvival(head, test.hidden);
    const end = test.labels.map((l, n) => ({ l, s: S[n * T + T - 1]! }));
    let pairs = 0;
    let right = 0;
    for (const a of end) for (const b of end) if (a.l === 1 && b.l === 0) (pairs++, (right += a.s < b.s ? 1 : a.s === b.s ? 0.5 : 0));
    expect(right / pairs).toBeGreaterThan(0.95);
    // detections come after the onsets on average (no signal before them)
    expect(r.test!.overall.mitigation.mean).toBeGreaterThanOrEqual(0);
  });

  it("trains only on the given examples", () => {
    const few = trainHead(train.hidden, train.labels, { ...opts, epochs: 1, examples: [0, 1] });
    const others = trainHead(train.hidden, train.labels.map((l, n) => (n < 2 ? l : 1 - l)), { ...opts, epochs: 1, examples: [0, 1] });
    expect(Array.from(few.params)).toEqual(Array.from(others.params));
  });
});
