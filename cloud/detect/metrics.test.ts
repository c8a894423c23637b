/** @module Hand-worked examples of the detection metrics, the overhead level at p and the operating-point choice. */
import { describe, expect, it } from "vitest";
import { type EvalExample, outcome, overheadAtP, prepareExample, summarize, summarizeByType } from "./metrics.js";
import { betterPoint, selectOperatingPoint } from "./operating-point.js";

// attack: A = 40, all = 40 + 25 = 65, onset at minute 2
const attack: EvalExample = { label: 1, type: "dns", onset: 2, anomalousBytes: [0, 0, 10, 20, 10], normalBytes: [5, 5, 5, 5, 5] };
// attack whose matching traffic never rose above its baseline: A = 0
const flat: EvalExample = { label: 1, type: "udp", onset: 1, anomalousBytes: [0, 0, 0, 0, 0], normalBytes: [1, 1, 1, 1, 1] };
const quiet: EvalExample = { label: 0, type: "dns", onset: null, anomalousBytes: [0, 0, 0, 0], normalBytes: [10, 10, 10, 10] };
const quiet2: EvalExample = { label: 0, type: "udp", onset: null, anomalousBytes: [0, 0, 0, 0], normalBytes: [3, 0, 0, 1] };

describe("per-example outcome", () => {
  it("attack detected after the onset: B/A, C/all, d − onset", () => {
    const o = outcome(prepareExample(attack), 3);
    expect(o.effectiveness).toBeCloseTo(30 / 40, 12);
    expect(o.overhead).toBeCloseTo(10 / 65, 12);
    expect(o.mitigation).toBe(1);
  });
  it("attack detected before the onset: everything mitigated, more overhead, negative time", () => {
    const o = outcome(prepareExample(attack), 1);
    expect(o.effectiveness).toBe(1);
    expect(o.overhead).toBeCloseTo(20 / 65, 12);
    expect(o.mitigation).toBe(-1);
  });
  it("attack missed: effectiveness 0, overhead 0", () => {
    expect(outcome(prepareExample(attack), null)).toEqual({ detection: null, effectiveness: 0, overhead: 0, mitigation: null });
  });
  it("attack with A = 0 has no effectiveness", () => {
    expect(outcome(prepareExample(flat), 2).effectiveness).toBeNull();
  });
  it("false detection on a non-attack: overhead = bytes from d on / all", () => {
    expect(outcome(prepareExample(quiet), 2)).toEqual({ detection: 2, effectiveness: null, overhead: 0.5, mitigation: null });
    expect(outcome(prepareExample(quiet2), 1).overhead).toBeCloseTo(1 / 4, 12);
    expect(outcome(prepareExample(quiet), null).overhead).toBe(0);
  });
  it("rejects a detection outside the window and an attack without onset", () => {
    expect(() => outcome(prepareExample(quiet), 4)).toThrow(RangeError);
    expect(() => prepareExample({ ...attack, onset: null })).toThrow(RangeError);
  });
});

describe("aggregates", () => {
  const ex = [attack, flat, quiet, quiet2].map(prepareExample);
  const d = [3, null, 2, null];
  const outs = ex.map((e, i) => outcome(e, d[i]!));

  it("confusion counts, rates, F1, effectiveness over attacks with A > 0", () => {
    const m = summarize(ex, outs, 0.8);
    expect([m.tp, m.fn, m.fp, m.tn]).toEqual([1, 1, 1, 1]);
    expect([m.tpr, m.fnr, m.fpr, m.precision, m.f1]).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(m.effectiveness).toBeCloseTo(0.75, 12);
    expect(m.effectivenessUndefined).toBe(1);
    // overheads [10/65, 0, 0.5, 0]: ⌈0.8·4⌉ = 4th smallest = 0.5; ⌈0.5·4⌉ = 2nd = 0
    expect(m.overhead.atP).toBe(0.5);
    expect(summarize(ex, outs, 0.5).overhead.atP).toBe(0);
    expect(m.overhead.meanAttack).toBeCloseTo(10 / 65 / 2, 12);
    expect(m.overhead.meanNonAttack).toBeCloseTo(0.25, 12);
    expect(m.mitigation).toEqual({ count: 1, mean: 1, median: 1, min: 1, max: 1, early: 0 });
  });

  it("per type: each type's attacks and their partners", () => {
    const { overall, byType } = summarizeByType(ex, outs, 0.8);
    expect(overall.examples).toBe(4);
    expect(Object.keys(byType)).toEqual(["dns", "udp"]);
    expect(byType.dns!.tp).toBe(1);
    expect(byType.dns!.fp).toBe(1);
    expect(byType.udp!.fn).toBe(1);
    expect(byType.udp!.tn).toBe(1);
    expect(Number.isNaN(byType.udp!.effectiveness)).toBe(true);
    expect(Number.isNaN(byType.udp!.precision)).toBe(true);
  });

  it("overhead level at p is the nearest rank, robust to p·n rounding", () => {
    expect(overheadAtP([0.3, 0.1, 0.2, 0.5, 0.4], 0.8)).toBe(0.4);
    expect(overheadAtP([0.3, 0.1, 0.2, 0.5, 0.4], 1)).toBe(0.5);
    expect(overheadAtP([0.3, 0.1, 0.2, 0.5, 0.4], 0.61)).toBe(0.4);
    expect(() => overheadAtP([1], 0)).toThrow(RangeError);
  });
});

describe("operating point under the overhead bound", () => {
  const a1: EvalExample = { label: 1, type: "dns", onset: 6, anomalousBytes: [0, 0, 0, 0, 0, 0, 50, 50, 50, 50], normalBytes: Array(10).fill(10) };
  const a2: EvalExample = { label: 1, type: "dns", onset: 5, anomalousBytes: [0, 0, 0, 0, 0, 40, 40, 40, 40, 40], normalBytes: Array(10).fill(10) };
  const n1: EvalExample = { label: 0, type: "dns", onset: null, anomalousBytes: Array(10).fill(0), normalBytes: Array(10).fill(10) };
  const n2: EvalExample = { label: 0, type: "dns", onset: null, anomalousBytes: Array(10).fill(0), normalBytes: Array(10).fill(10) };
  const ex = [a1, a2, n1, n2].map(prepareExample);
  const never = [null, null, null, null];
  const atOnset = [6, 5, null, null];
  const late = [8, 7, null, null];
  const eager = [0, 0, 0, 0];
  const falseAlarm = [6, 5, 5, null];

  it("picks the most effective feasible candidate", () => {
    const cands = [never, late, atOnset, falseAlarm, eager];
    const p = selectOperatingPoint(ex, cands, (c) => c, { p: 1, level: 0.2 });
    // all bytes 300 per attack; eager: a1's overhead 100/300 → infeasible; falseAlarm: n1's overhead
    // 50/100 → O_1 = 0.5 > 0.2 → infeasible; atOnset: overheads [40/300, 50/300, 0, 0], effectiveness 1
    expect(p.candidate).toBe(atOnset);
    expect(p.metrics.effectiveness).toBe(1);
    expect(p.metrics.overhead.atP).toBeCloseTo(50 / 300, 12);
    expect(p.feasible).toBe(3);
    // at p = 0.75 the one false alarm fits under the level (O_0.75 = 3rd smallest of [40/300, 50/300, 0.5, 0])
    const q = selectOperatingPoint(ex, cands, (c) => c, { p: 0.75, level: 0.2 });
    expect(q.feasible).toBe(4);
    expect(q.candidate).toBe(atOnset); // same effectiveness as falseAlarm, lower O_p
    expect(q.metrics.overhead.atP).toBeCloseTo(40 / 300, 12);
  });

  it("with a looser level the false alarm is allowed but does not win a tie on effectiveness", () => {
    const p = selectOperatingPoint(ex, [falseAlarm, atOnset], (c) => c, { p: 0.75, level: 0.6 });
    expect(p.candidate).toBe(atOnset); // same effectiveness, lower FPR
    expect(p.feasible).toBe(2);
  });

  it("a tight level leaves only the detector that never fires", () => {
    const p = selectOperatingPoint(ex, [never, late, atOnset], (c) => c, { p: 1, level: 0.01 });
    expect(p.candidate).toBe(never);
    expect(p.metrics.tpr).toBe(0);
    expect(() => selectOperatingPoint(ex, [eager], (c) => c, { p: 1, level: 0.01 })).toThrow(RangeError);
  });

  it("the paper's rule buys a minute of effectiveness with a false alarm; the F1 objective does not", () => {
    const oneLate = [6, 6, null, null]; // a2 detected a minute after its onset, no false alarm
    const cands = [never, oneLate, falseAlarm];
    const bound = { p: 0.75, level: 0.6 };
    const eff = selectOperatingPoint(ex, cands, (c) => c, bound);
    expect(eff.candidate).toBe(falseAlarm);
    expect(eff.metrics.effectiveness).toBe(1);
    expect(eff.metrics.fpr).toBe(0.5);
    const f1 = selectOperatingPoint(ex, cands, (c) => c, { ...bound, objective: "f1" });
    expect(f1.candidate).toBe(oneLate);
    expect(f1.metrics.f1).toBe(1);
    expect(f1.metrics.effectiveness).toBeCloseTo((1 + 160 / 200) / 2, 12);
    // the bound still applies: with a tight level only `never` is feasible under either objective
    expect(selectOperatingPoint(ex, cands, (c) => c, { p: 1, level: 0.01, objective: "f1" }).candidate).toBe(never);
    expect(() => selectOperatingPoint(ex, cands, (c) => c, { p: 1, level: 0.1, objective: "recall" as "f1" })).toThrow(/objective/);
  });

  it("F1 ties go to the higher effectiveness", () => {
    const m = (d: (number | null)[]) => summarize(ex, ex.map((e, i) => outcome(e, d[i]!)), 0.8);
    expect(betterPoint(m(atOnset), m(late), "f1")).toBe(true);
    expect(betterPoint(m(late), m(atOnset), "f1")).toBe(false);
    expect(betterPoint(m(late), m(falseAlarm), "f1")).toBe(true);
  });

  it("betterPoint prefers effectiveness, then lower overhead", () => {
    const m = (d: (number | null)[]) => summarize(ex, ex.map((e, i) => outcome(e, d[i]!)), 0.8);
    expect(betterPoint(m(atOnset), m(late))).toBe(true);
    expect(betterPoint(m(late), m(atOnset))).toBe(false);
    expect(betterPoint(m(atOnset), m(atOnset))).toBe(false);
  });
});
