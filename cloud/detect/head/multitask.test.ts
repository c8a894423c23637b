/** @module The multi-task heads: which examples train which head, the type classifier on synthetic types, determinism. */
import { describe, expect, it } from "vitest";
import { classifyMinute, predictType, trainClassifier, typeConfusion } from "./classifier.js";
import { balanceAttacks, headExamples, headTypes, trainMultiTask } from "./multitask.js";
import { syntheticHidden } from "./testdata.js";

describe("multi-task subsets", () => {
  const data = { labels: [1, 0, 1, 0, 1, 0, 1, 0], types: ["dns", "dns", "udp", "udp", "dns", "dns", "ntp", "ntp"] };
  it("a type head: its attacks and every non-attack; other types' attacks left out", () => {
    expect(headExamples(data, "dns")).toEqual([0, 1, 3, 4, 5, 7]);
    expect(headExamples(data, "udp")).toEqual([1, 2, 3, 5, 7]);
    expect(headExamples(data, "all")).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
  it("a type head's attacks repeated until they weigh as much as its non-attacks", () => {
    const labels = [0, 1, 0, 0, 0, 0, 0, 1, 0, 0];
    const all = labels.map((_, n) => n);
    // 2 attacks, 8 non-attacks: each attack 4 times, in place
    expect(balanceAttacks(all, labels)).toEqual([0, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 8, 9]);
    expect(balanceAttacks([1, 7], labels)).toEqual([1, 7]);
    expect(balanceAttacks([0, 2], labels)).toEqual([0, 2]);
    // more attacks than non-attacks: left as they are
    expect(balanceAttacks([0, 1, 7], labels)).toEqual([0, 1, 7]);
  });
  it("types with enough attacks, sorted", () => {
    expect(headTypes(data, 1)).toEqual(["dns", "ntp", "udp"]);
    expect(headTypes(data, 2)).toEqual(["dns"]);
  });
});

describe("type classifier", () => {
  const T = 16;
  const types = ["dns", "udp", "ntp"];
  const train = syntheticHidden(60, T, 8, 21, types);
  const test = syntheticHidden(30, T, 8, 22, types);
  const target = (s: typeof train) => s.types.map((t, n) => (s.labels[n] === 1 ? types.indexOf(t) : -1));
  const opts = { epochs: 15, lr: 3e-3, batch: 8, seed: 3, hiddenUnits: 16 };

  it("learns the types from the attack minutes and is deterministic", () => {
    const clf = trainClassifier({ hidden: train.hidden, target: target(train), from: train.onsets.map((o) => o ?? 0) }, 3, opts);
    const again = trainClassifier({ hidden: train.hidden, target: target(train), from: train.onsets.map((o) => o ?? 0) }, 3, opts);
    expect(Array.from(clf.params)).toEqual(Array.from(again.params));
    expect(clf.history[clf.history.length - 1]!).toBeLessThan(clf.history[0]! * 0.5);
    let right = 0;
    let total = 0;
    test.labels.forEach((l, n) => {
      if (l !== 1) return;
      total++;
      if (predictType(clf, test.hidden, n, T - 1) === types.indexOf(test.types[n]!)) right++;
    });
    expect(right / total).toBeGreaterThan(0.9);
    const cases = test.labels.flatMap((l, n) => (l === 1 ? [{ n, target: types.indexOf(test.types[n]!), minute: T - 1 }] : []));
    const conf = typeConfusion(clf, test.hidden, cases);
    expect(conf.accuracy).toBe(right / total);
    expect(conf.confusion.flat().reduce((s, x) => s + x, 0)).toBe(total);
    expect(conf.confusion.reduce((s, row, k) => s + row[k]!, 0)).toBe(right);
    const p = classifyMinute(clf, test.hidden, 0, T - 1);
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
  });

  it("rejects a type index ≥ K and an empty training set", () => {
    expect(() => trainClassifier({ hidden: train.hidden, target: train.labels.map(() => 3), from: train.labels.map(() => 0) }, 3, opts)).toThrow(RangeError);
    expect(() => trainClassifier({ hidden: train.hidden, target: train.labels.map(() => -1), from: train.labels.map(() => 0) }, 3, opts)).toThrow(RangeError);
  });
});

describe("trainMultiTask", () => {
  it("one head for all, one per type, and a classifier", () => {
    const types = ["dns", "udp"];
    const set = syntheticHidden(24, 12, 6, 31, types);
    const r = trainMultiTask(set, { minAttacks: 3, head: { epochs: 2, hiddenUnits: 8, batch: 8 }, classifier: { epochs: 2, hiddenUnits: 8 }, validation: set });
    expect([...r.heads.keys()]).toEqual(["all", "dns", "udp"]);
    expect(r.types).toEqual(types);
    expect(r.classifier?.cfg.OC).toBe(2);
    for (const h of r.heads.values()) expect(h.history.every((e) => e.valLoss !== null)).toBe(true);
    expect(trainMultiTask(set, { types: ["dns"], head: { epochs: 1, hiddenUnits: 8 } }).classifier).toBeNull();
  });
});
