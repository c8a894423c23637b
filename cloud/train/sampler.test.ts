/** @module Batch sampler and evaluation batches: determinism and saveable state, the decoder layout, time indices of the right minutes, next-minute targets, T bounds, runs merged across windows. */
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { timeIndices } from "../../shared/features/time.js";
import type { Batch } from "./batch.js";
import { nodeTables } from "./data.js";
import { evalBatches } from "./eval-batches.js";
import { BatchSampler } from "./sampler.js";
import { segmentsOf, targetCount } from "./segments.js";
import { patternWindow } from "./test-fixtures.js";

const M0 = 29_540_150; // 2026-03-01 23:50 UTC: windows cross midnight, a month and a weekday
const W = 20;
// node 0: three touching windows (one 60-minute run); node 1: two windows with a gap; node 2: unseen, maps to node 1
const windows = [patternWindow(0, M0, W), patternWindow(0, M0 + 20, W), patternWindow(0, M0 + 40, W), patternWindow(1, M0, W), patternWindow(1, M0 + 30, W)];
const { nodes } = nodeTables([
  { index: 0, node: "a", customer: "x", inTrain: true, cutoffsFrom: "a" },
  { index: 1, node: "b", customer: "y", inTrain: true, cutoffsFrom: "b" },
  { index: 2, node: "c", customer: "z", inTrain: false, cutoffsFrom: "b" },
]);

/** Every check of one batch against the pattern bins[t][f] = (minute + f) % 10. */
function checkBatch(batch: Batch, minT: number, maxT: number, runs: { node: number; start: number; end: number }[]): void {
  const { B, T } = batch;
  expect(T).toBeGreaterThanOrEqual(minT);
  expect(T).toBeLessThanOrEqual(maxT);
  expect(batch.bins.length).toBe(B * (T + 1) * FEATURE_COUNT);
  expect(batch.time.length).toBe(B * T * 4);
  for (let b = 0; b < B; b++) {
    const start = batch.startMinute[b]!;
    const node = batch.dataNode[b]!;
    // the crop lies inside one run of its node: T+1 consecutive minutes
    expect(runs.some((r) => r.node === node && start >= r.start && start + T + 1 <= r.end)).toBe(true);
    expect(batch.node[b]).toBe(nodes[node]!.embedNode);
    expect(batch.customer[b]).toBe(nodes[node]!.embedCustomer);
    for (let t = 0; t <= T; t++) {
      // minute t of the window is epoch minute start + t; so the target of input t (row t+1) is the next minute
      for (let f = 0; f < FEATURE_COUNT; f += 17) expect(batch.bins[(b * (T + 1) + t) * FEATURE_COUNT + f]).toBe((start + t + f) % 10);
      if (t < T) expect([...batch.time.subarray((b * T + t) * 4, (b * T + t) * 4 + 4)]).toEqual(timeIndices(start + t));
    }
  }
}

describe("segments", () => {
  it("merges touching windows of a node into one run and keeps gaps apart", () => {
    const segs = segmentsOf(windows, W);
    expect(segs.map((s) => [s.node, s.startMinute - M0, s.length])).toEqual([[0, 0, 60], [1, 0, 20], [1, 30, 20]]);
    expect(targetCount(segs)).toBe(59 + 19 + 19);
    const run = segs[0]!;
    for (let t = 0; t < run.length; t++) expect(run.bins[t * FEATURE_COUNT + 3]).toBe((M0 + t + 3) % 10);
  });

  it("overlapping windows (stride < W) give the same run as touching ones", () => {
    const overlapping = [0, 5, 10, 15, 20, 25, 30, 35, 40].map((s) => patternWindow(0, M0 + s, W));
    const [seg] = segmentsOf(overlapping, W);
    expect(seg!.length).toBe(60);
    expect(seg!.bins).toEqual(segmentsOf(windows, W)[0]!.bins);
  });
});

describe("batch sampler", () => {
  const segs = segmentsOf(windows, W);
  const runs = segs.map((s) => ({ node: s.node, start: s.startMinute, end: s.startMinute + s.length }));

  it("produces the decoder layout: crops of T+1 consecutive minutes, time indices of each input minute, T in bounds", () => {
    const s = new BatchSampler(segs, nodes, { batch: 6, minT: 5, maxT: 19 }, 7);
    const seen = new Set<number>();
    const crossing = { yes: 0 };
    for (let i = 0; i < 20; i++) {
      const batch = s.next();
      checkBatch(batch, 5, 19, runs);
      seen.add(batch.T);
      for (let b = 0; b < batch.B; b++) if (batch.dataNode[b] === 0 && Math.floor((batch.startMinute[b]! - M0) / W) !== Math.floor((batch.startMinute[b]! - M0 + batch.T) / W)) crossing.yes++;
    }
    expect(seen.size).toBeGreaterThan(5); // T varies between batches
    expect(crossing.yes).toBeGreaterThan(0); // crops run across the windows of a merged run
  });

  it("T = 19 fits only where a run has 20 minutes; longer is refused", () => {
    const s = new BatchSampler(segs, nodes, { batch: 8, minT: 19, maxT: 19 }, 1);
    checkBatch(s.next(), 19, 19, runs);
    expect(() => new BatchSampler(segs, nodes, { batch: 1, minT: 5, maxT: 60 }, 1)).toThrow(/60/);
  });

  it("is deterministic for a seed, and the saved state replays the same batches", () => {
    const a = new BatchSampler(segs, nodes, { batch: 4, minT: 3, maxT: 15 }, 42);
    const b = new BatchSampler(segs, nodes, { batch: 4, minT: 3, maxT: 15 }, 42);
    const c = new BatchSampler(segs, nodes, { batch: 4, minT: 3, maxT: 15 }, 43);
    const first = [a.next(), a.next()];
    expect([b.next(), b.next()]).toEqual(first);
    expect(c.next()).not.toEqual(first[0]);
    const saved = a.state;
    const next = [a.next(), a.u32(), a.next()];
    const d = new BatchSampler(segs, nodes, { batch: 4, minT: 3, maxT: 15 }, 0);
    d.state = saved;
    expect([d.next(), d.u32(), d.next()]).toEqual(next);
  });
});

describe("evaluation batches", () => {
  it("score every minute 1..W−1 of every window once, at position 0 from each chunk's start", () => {
    const val = [patternWindow(2, M0, W), patternWindow(1, M0 + 40, W), patternWindow(0, M0 + 20, W)];
    for (const [maxT, batch] of [[19, 2], [8, 2], [5, 10]] as const) {
      const targets = new Map<string, number>();
      for (const b of evalBatches(val, nodes, W, maxT, batch)) {
        expect(b.B).toBeLessThanOrEqual(batch);
        expect(b.T).toBeLessThanOrEqual(maxT);
        checkBatch(b, 1, maxT, val.map((w) => ({ node: w.node, start: w.startMinute, end: w.startMinute + W })));
        for (let i = 0; i < b.B; i++) for (let t = 1; t <= b.T; t++) {
          const key = `${b.dataNode[i]}:${b.startMinute[i]! + t}`;
          targets.set(key, (targets.get(key) ?? 0) + 1);
        }
      }
      expect(targets.size).toBe(val.length * (W - 1));
      expect([...targets.values()].every((n) => n === 1)).toBe(true);
    }
  });

  it("an unseen node is embedded as the node it maps to", () => {
    const [b] = [...evalBatches([patternWindow(2, M0, W)], nodes, W, 19, 4)];
    expect(b!.node[0]).toBe(1);
    expect(b!.customer[0]).toBe(nodes[2]!.embedCustomer);
    expect(nodes[2]!.embedCustomer).toBe(1); // customer z has no training node: the mapped node's customer (y)
  });
});
