/** @module Unit checks of fine-tuning's pieces: the balanced seeded label draw, the NFHC hidden-cache file (round trip, stale key, corruption), and hidden states that do not depend on how windows are batched. */
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT } from "../../shared/features/catalogue.js";
import type { EarlyRecord } from "../detect/early-json.js";
import { modelConfig } from "../engine/model/config.js";
import { referenceBackend } from "../engine/reference/index.js";
import { Mulberry32 } from "../engine/rng.js";
import { fillTime } from "../train/batch.js";
import { initBackbone, windowBatch } from "./backbone.js";
import type { EarlyData } from "./early-data.js";
import { computeHidden } from "./hidden-cache.js";
import { decodeHiddenCache, encodeHiddenCache } from "./hidden-file.js";
import { selectLabelled } from "./select.js";

const rec = (id: number, label: 0 | 1): EarlyRecord => ({ id, split: "val", label, type: "dns", node: "n", startMinute: 0, length: 1, onsetMinute: label === 1 ? 0 : null, anomalousBytes: [0], normalBytes: [0] });

describe("selectLabelled", () => {
  const records = Array.from({ length: 40 }, (_, i) => rec(i, i % 4 === 0 ? 1 : 0)); // 10 attacks, 30 non-attacks
  it("draws ⌈N/2⌉ attacks and ⌊N/2⌋ non-attacks, seeded", () => {
    const a = selectLabelled(records, 9, 1, "val");
    expect([a.attacks, a.nonAttacks, a.indices.length, a.notes]).toEqual([5, 4, 9, []]);
    expect(a.indices.filter((i) => records[i]!.label === 1)).toHaveLength(5);
    expect(selectLabelled(records, 9, 1, "val").indices).toEqual(a.indices);
    expect(selectLabelled(records, 9, 2, "val").indices).not.toEqual(a.indices);
    expect(new Set(a.indices).size).toBe(9);
  });
  it("fills up from the other class when one is short, and takes everything (with a note) when the split is short", () => {
    const b = selectLabelled(records, 30, 1, "val");
    expect([b.attacks, b.nonAttacks]).toEqual([10, 20]);
    expect(b.notes[0]).toMatch(/not balanced/);
    const c = selectLabelled(records, 360, 1, "val");
    expect(c.indices).toHaveLength(40);
    expect(c.notes[0]).toMatch(/asked for 360 .* using all 40/);
  });
});

describe("NFHC hidden cache file", () => {
  const key = "ab".repeat(32);
  const h = { data: Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 0.5 - 3), N: 2, T: 3, C: 4 };
  it("round-trips, and a file of another key reads as stale (null)", () => {
    const bytes = encodeHiddenCache(h, key);
    expect(decodeHiddenCache(bytes, key, "x")).toEqual(h);
    expect(decodeHiddenCache(bytes, "cd".repeat(32), "x")).toBeNull();
  });
  it("rejects a truncated or foreign file", () => {
    const bytes = encodeHiddenCache(h, key);
    expect(() => decodeHiddenCache(bytes.subarray(0, bytes.length - 4), key, "x")).toThrow(/bytes/);
    const bad = bytes.slice();
    bad[0] = 0x41;
    expect(() => decodeHiddenCache(bad, key, "x")).toThrow(/not an NFHC file/);
  });
});

describe("computeHidden", () => {
  it("gives the same hidden states whatever the batch size (windows are independent), and differs between windows", async () => {
    const config = modelConfig("tiny", { nodes: 2, customers: 1 });
    const T = 12;
    const rng = new Mulberry32(4);
    const windows = Array.from({ length: 5 }, (_, i) => ({ node: i % 2, startMinute: 29_000_000 + 97 * i, bins: Uint8Array.from({ length: T * FEATURE_COUNT }, () => rng.int(10)) }));
    const data = {
      dir: "mem",
      window: T,
      nodes: [0, 1].map((i) => ({ index: i, node: `n${i}`, customer: "c", inTrain: true, embedNode: i, embedCustomer: 0 })),
      customers: ["c"],
      splits: { train: { windows: [], records: [] }, val: { windows, records: [] }, test: { windows: [], records: [] } },
      hash: "0",
      cutoffsPath: "",
      utcOffsetMinutes: 60, // the tenant's clock: time features must follow it
      featureSubset: null,
    } satisfies EarlyData;
    const batch = windowBatch(data, windows, [2, 1]);
    const want = new Int32Array(2 * T * 4);
    fillTime(want, 0, T, windows[2]!.startMinute, 60);
    fillTime(want, 1, T, windows[1]!.startMinute, 60);
    expect(Array.from(batch.time), "time indices as pre-training makes them").toEqual(Array.from(want));
    expect([...batch.node]).toEqual([0, 1]);
    expect(Array.from(batch.bins.subarray(0, T * FEATURE_COUNT))).toEqual(Array.from(windows[2]!.bins));
    const bb = initBackbone(config, 3);
    const one = await computeHidden(referenceBackend, bb, data, "val", { batch: 1 });
    const three = await computeHidden(referenceBackend, bb, data, "val", { batch: 3 });
    expect([one.N, one.T, one.C]).toEqual([5, T, 16]);
    for (let i = 0; i < one.data.length; i++) expect(three.data[i]).toBeCloseTo(one.data[i]!, 6);
    const sub = await computeHidden(referenceBackend, bb, data, "val", {}, [3]);
    expect(Array.from(sub.data)).toEqual(Array.from(one.data.subarray(3 * T * 16, 4 * T * 16)));
    expect(Array.from(one.data.subarray(0, T * 16))).not.toEqual(Array.from(one.data.subarray(T * 16, 2 * T * 16)));
  });
});
