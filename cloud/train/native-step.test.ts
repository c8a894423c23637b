/** @module Training on native-step data (10-minute rows): runs merged in steps, a gap off the step grid splits a run, time features every step, eval chunks carrying masks, loadSplit. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import { timeIndices } from "../../shared/features/time.js";
import type { ArchiveRow } from "../../shared/wire/archive.js";
import { buildDataset, writeDataset } from "../data/dataset/build.js";
import { gatherSeries } from "../data/dataset/series.js";
import { loadDatasetDir, loadSplit, nodeTables } from "./data.js";
import { evalBatches } from "./eval-batches.js";
import { BatchSampler } from "./sampler.js";
import { segmentsOf } from "./segments.js";
import { patternWindow } from "./test-fixtures.js";

const M0 = 29_540_150;
const W = 6;
const S = 10;
// node 0: windows at steps 0, 6, 12 (touching: one 18-step run); node 1: a window, then one 5 minutes off the grid
const windows = [patternWindow(0, M0, W), patternWindow(0, M0 + W * S, W), patternWindow(0, M0 + 2 * W * S, W), patternWindow(1, M0, W), patternWindow(1, M0 + W * S + 5, W)];
const { nodes } = nodeTables([
  { index: 0, node: "a", customer: "x", inTrain: true, cutoffsFrom: "a" },
  { index: 1, node: "b", customer: "y", inTrain: true, cutoffsFrom: "b" },
]);

describe("native steps in training", () => {
  it("merges touching windows in steps and splits at a gap off the grid", () => {
    const segs = segmentsOf(windows, W, S);
    expect(segs.map((s) => [s.node, s.startMinute, s.length])).toEqual([
      [0, M0, 18],
      [1, M0, 6],
      [1, M0 + W * S + 5, 6],
    ]);
    expect(segs[0]!.bins.subarray(6 * FEATURE_COUNT, 7 * FEATURE_COUNT)).toEqual(windows[1]!.bins.subarray(0, FEATURE_COUNT));
    // the minute grid is unchanged: the same windows at step 1 do not touch
    expect(segmentsOf(windows, W).length).toBe(5);
  });

  it("the sampler's time features advance one step per token", () => {
    const sampler = new BatchSampler(segmentsOf(windows, W, S), nodes, { batch: 4, minT: 3, maxT: 5, stepMinutes: S }, 7);
    const batch = sampler.next();
    for (let b = 0; b < batch.B; b++) {
      const start = batch.startMinute[b]!;
      expect((start - M0) % S === 0 || (start - M0 - 5) % S === 0).toBe(true);
      for (let t = 0; t < batch.T; t++) expect([...batch.time.subarray((b * batch.T + t) * 4, (b * batch.T + t) * 4 + 4)]).toEqual(timeIndices(start + t * S));
    }
  });

  it("evaluation chunks: time every step, masks copied with the bins", () => {
    const W7 = 7; // 6 targets: two chunks of 3
    const w = patternWindow(0, M0, W7);
    const unavailable = new Uint8Array(W7 * FEATURE_COUNT);
    for (let t = 0; t < W7; t++) unavailable[t * FEATURE_COUNT + 3] = 1;
    const batches = [...evalBatches([{ ...w, unavailable }], nodes, W7, 3, 8, 0, S)];
    expect(batches.map((b) => [b.B, b.T])).toEqual([[2, 3]]);
    const b = batches[0]!;
    expect(b.startMinute[1]).toBe(M0 + 3 * S);
    expect([...b.time.subarray(3 * 4 + 2 * 4, 3 * 4 + 3 * 4)]).toEqual(timeIndices(M0 + 5 * S));
    expect(b.unavailable?.[(4 + 1) * FEATURE_COUNT + 3]).toBe(1);
    expect(b.unavailable?.[(4 + 1) * FEATURE_COUNT + 2]).toBe(0);
    // windows without masks: no mask in the batch
    expect([...evalBatches([w], nodes, W7, 3, 8, 0, S)][0]!.unavailable).toBeUndefined();
  });
});

describe("loadSplit", () => {
  it("reads a chosen split with its masks, the step and the train windows", () => {
    const rows: ArchiveRow[] = [];
    for (let i = 0; i < 40; i++) {
      const counters = new Float64Array(FEATURE_COUNT);
      counters[0] = 10 + (i % 7);
      const unavailable = new Uint8Array(FEATURE_COUNT).fill(1);
      unavailable[0] = 0;
      rows.push({ node: "10.0.0.1", customer: "c", minute: M0 + 10 * i, counters: counters.map((x, f) => (f === 0 ? x : 0)), unavailable });
    }
    const dir = mkdtempSync(join(tmpdir(), "nfg-step-"));
    try {
      writeDataset(dir, buildDataset(gatherSeries(rows, undefined, { stepMinutes: 10 }), { window: 4, fractions: [0.5, 0.25, 0.25] }));
      const { data, windows } = loadSplit(dir, "test");
      expect(data.stepMinutes).toBe(10);
      expect(data.train.length).toBe(5);
      expect(windows.map((w) => w.startMinute)).toEqual([M0 + 300, M0 + 340]);
      expect(windows[0]!.unavailable?.[1]).toBe(1);
      expect(loadDatasetDir(dir).val[0]!.unavailable).toBeUndefined(); // pre-training drops masks as before
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
