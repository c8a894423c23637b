/** @module Bigram baseline (paper Table 4) on hand-worked counts: Laplace smoothing, loss, PPL, accuracy, unseen previous bins. */
import { describe, expect, it } from "vitest";
import { BIN_COUNT, FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { Bigram, bigramBaseline } from "./bigram.js";

/** A run of minutes where feature 0 follows `f0` and every other feature is bin 0. */
function run(f0: number[]): { bins: Uint8Array; minutes: number } {
  const bins = new Uint8Array(f0.length * FEATURE_COUNT);
  f0.forEach((b, t) => (bins[t * FEATURE_COUNT] = b));
  return { bins, minutes: f0.length };
}

describe("bigram", () => {
  // train f0 = 0 1 1 0 1: transitions 0→1 ×2, 1→1 ×1, 1→0 ×1; other features 0→0 ×4
  const train = run([0, 1, 1, 0, 1]);

  it("counts transitions per feature", () => {
    const m = new Bigram();
    m.addRun(train.bins, train.minutes);
    const c = (f: number, p: number, n: number) => m.counts[(f * BIN_COUNT + p) * BIN_COUNT + n];
    expect([c(0, 0, 1), c(0, 1, 1), c(0, 1, 0), c(0, 0, 0)]).toEqual([2, 1, 1, 0]);
    expect(c(5, 0, 0)).toBe(4);
    expect(m.counts.reduce((a, b) => a + b, 0)).toBe(4 * FEATURE_COUNT);
  });

  it("add-one smoothing: p = (c + 1) / (row total + V)", () => {
    const m = new Bigram();
    m.addRun(train.bins, train.minutes);
    expect(Math.exp(m.logProb(0, 0, 1))).toBeCloseTo(3 / 12, 12);
    expect(Math.exp(m.logProb(0, 0, 0))).toBeCloseTo(1 / 12, 12);
    expect(Math.exp(m.logProb(0, 1, 0))).toBeCloseTo(2 / 12, 12);
    expect(Math.exp(m.logProb(7, 0, 0))).toBeCloseTo(5 / 14, 12);
    expect(Math.exp(m.logProb(0, 4, 9))).toBeCloseTo(1 / 10, 12); // never-seen previous bin: uniform
    let total = 0;
    for (let n = 0; n < BIN_COUNT; n++) total += Math.exp(m.logProb(0, 1, n));
    expect(total).toBeCloseTo(1, 12);
  });

  it("val loss, PPL and accuracy by hand", () => {
    // val f0 = 0 0 1: 0→0 (p 1/12, argmax of row 0 is 1: miss), 0→1 (p 3/12, hit); others 0→0 (p 5/14, hit) twice
    const m = bigramBaseline([train], [run([0, 0, 1])]);
    const targets = 2 * FEATURE_COUNT;
    const loss = -(Math.log(1 / 12) + Math.log(3 / 12) + 2 * (FEATURE_COUNT - 1) * Math.log(5 / 14)) / targets;
    expect(m.targets).toBe(targets);
    expect(m.loss).toBeCloseTo(loss, 12);
    expect(m.ppl).toBeCloseTo(Math.exp(loss), 12);
    expect(m.accuracy).toBeCloseTo((targets - 1) / targets, 12);
  });

  it("ties go to the smallest bin; an unseen previous bin predicts bin 0", () => {
    const m = new Bigram();
    m.addRun(train.bins, train.minutes);
    expect(m.argmax(0, 1)).toBe(0); // 1→0 and 1→1 once each
    expect(m.argmax(0, 0)).toBe(1);
    expect(m.argmax(0, 6)).toBe(0);
    // val f0 = 1 1 6 0: 1→1 miss (argmax 0), 1→6 miss, 6→0 hit (uniform, argmax 0)
    const r = m.evaluate([run([1, 1, 6, 0])]);
    expect(r.accuracy).toBeCloseTo((3 * FEATURE_COUNT - 2) / (3 * FEATURE_COUNT), 12);
    const f0 = Math.log(2 / 12) + Math.log(1 / 12) + Math.log(1 / 10);
    expect(r.loss).toBeCloseTo(-(f0 + 3 * (FEATURE_COUNT - 1) * Math.log(5 / 14)) / (3 * FEATURE_COUNT), 12);
  });

  it("one-minute runs score nothing", () => {
    expect(bigramBaseline([train], [run([3])]).targets).toBe(0);
  });
});
