/** @module Native-step series (e.g. CESNET's 10-minute rows): one series step per row time, gaps kept as one step, windows and splits counted in steps; the minute grid unchanged. */
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT } from "../../../shared/features/catalogue.js";
import type { ArchiveRow } from "../../../shared/wire/archive.js";
import { buildDataset, datasetManifest } from "./build.js";
import { gatherSeries, minuteAt, nativeAxis, seriesSteps } from "./series.js";

const T0 = 28_000_000; // an epoch minute, multiple of 10

function row(node: string, minute: number, bytes: number, mask = false): ArchiveRow {
  const counters = new Float64Array(FEATURE_COUNT);
  counters[0] = bytes;
  const r: ArchiveRow = { node, customer: "c", minute, counters };
  if (mask) {
    r.unavailable = new Uint8Array(FEATURE_COUNT).fill(1);
    r.unavailable[0] = 0;
    counters.fill(0, 1);
  }
  return r;
}

/** Two nodes every 10 minutes for `n` steps, with a 30-minute gap after step 5 (one step of 30 minutes). */
function rows(n: number, mask = false): ArchiveRow[] {
  const out: ArchiveRow[] = [];
  for (let i = 0; i < n; i++) {
    const minute = T0 + 10 * i + (i > 5 ? 20 : 0);
    out.push(row("10.0.0.1", minute, 100 + ((i * 37) % 11), mask), row("10.0.0.2", minute, 5 + (i % 3), mask));
  }
  return out;
}

describe("native-step series", () => {
  it("indexes rows by their distinct minutes: no zero minutes between 10-minute rows", () => {
    const d = gatherSeries(rows(8), undefined, { stepMinutes: 10 });
    expect(seriesSteps(d)).toBe(8);
    expect(d.stepMinutes).toBe(10);
    expect([...d.axis!]).toEqual([0, 10, 20, 30, 40, 50, 80, 90].map((m) => T0 + m));
    expect(d.startMinute).toBe(T0);
    expect(d.endMinute).toBe(T0 + 100);
    const a = d.nodes[0]!;
    expect(a.present.every((p) => p === 1)).toBe(true);
    expect(a.counters[6 * FEATURE_COUNT]).toBe(100 + ((6 * 37) % 11)); // the row after the gap is step 6
    expect(minuteAt(d, 6)).toBe(T0 + 80);
    expect(minuteAt(d, 8)).toBe(T0 + 100);
  });

  it("rejects rows closer than the step", () => {
    expect(() => nativeAxis([row("a", T0, 1), row("a", T0 + 5, 1)], 10)).toThrow(/closer than the 10-minute step/);
  });

  it("the minute grid is unchanged without a step", () => {
    const d = gatherSeries(rows(8));
    expect(d.axis).toBeUndefined();
    expect(seriesSteps(d)).toBe(91);
    expect(d.nodes[0]!.present.reduce((s, p) => s + p, 0)).toBe(8);
  });

  it("builds windows and splits in steps, starts and boundaries in epoch minutes", () => {
    const data = gatherSeries(rows(40, true), undefined, { stepMinutes: 10 });
    const b = buildDataset(data, { window: 4, fractions: [0.5, 0.25, 0.25] });
    // 40 steps: train steps [0, 20), val [20, 30), test [30, 40)
    expect(b.ranges.map((r) => [r.startMinute, r.endMinute])).toEqual([
      [T0, T0 + 20 * 10 + 20],
      [T0 + 220, T0 + 320],
      [T0 + 320, T0 + 420],
    ]);
    const train = b.splits[0]!.windows;
    expect(train.length).toBe(2 * 5); // 5 windows of 4 steps per node
    expect(train.filter((w) => w.node === 0).map((w) => w.startMinute)).toEqual([0, 4, 8, 12, 16].map((i) => minuteAt(data, i)));
    expect(train[1]!.startMinute).toBe(T0 + 40);
    expect(train[0]!.unavailable?.[1]).toBe(1); // masks travel
    expect(train[0]!.unavailable?.[0]).toBe(0);
    const m = datasetManifest(b);
    expect(m.window).toEqual({ length: 4, stride: 4, stepMinutes: 10 });
    expect(m.timeRange.steps).toBe(40);
    expect(() => buildDataset(data, { window: 4, labels: [] })).toThrow(/minute series/);
  });

  it("a 1-minute build's manifest has no step fields", () => {
    const b = buildDataset(gatherSeries(rows(40)), { window: 16 });
    const m = datasetManifest(b);
    expect(m.window).toEqual({ length: 16, stride: 16 });
    expect("steps" in m.timeRange).toBe(false);
    expect(b.splits[0]!.windows[1]!.startMinute).toBe(T0 + 16);
  });
});
