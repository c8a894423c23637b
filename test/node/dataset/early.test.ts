/** @module EarlyDetect tests on the demo scenario (one simulated day): attack/non-attack pairs, CUSUM onsets near the scenario's onsets, the anomalous/normal byte split, and Tables 1 and 2. */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";
import { buildDataset, type DatasetBuild } from "../../../cloud/data/dataset/build.js";
import { matchingFeature, parseLabels } from "../../../cloud/data/dataset/early.js";
import { gatherSeries } from "../../../cloud/data/dataset/series.js";
import { simulateRows, worldFromScenarioFile } from "../../../cloud/data/dataset/simulate.js";
import { table1, table2 } from "../../../cloud/data/dataset/tables.js";
import type { LabelsFile } from "../../../cloud/data/synth/labels.js";

const DEMO = new URL("../../../cloud/data/scenarios/demo.json", import.meta.url).pathname;
const W = 128;

let b: DatasetBuild;
let labels: LabelsFile;

beforeAll(() => {
  const world = worldFromScenarioFile(DEMO);
  const sim = simulateRows(world);
  labels = sim.labels;
  b = buildDataset(gatherSeries(sim.rows, { startMinute: world.startMinute, endMinute: world.endMinute }), { window: W, labels: parseLabels(JSON.parse(JSON.stringify(labels))), seed: 1 });
}, 60_000);

describe("EarlyDetect from the demo scenario", () => {
  it("one attack and one non-attack example per alert, in the alert's split", () => {
    const ex = b.early!.examples;
    expect(b.early!.skipped).toEqual([]);
    expect(b.early!.unpaired).toEqual([]);
    expect(ex.filter((e) => e.label === 1).map((e) => [e.type, e.split])).toEqual([
      ["dns-amplification", "train"],
      ["syn-flood", "val"],
    ]);
    expect(ex.filter((e) => e.label === 0).map((e) => [e.type, e.split])).toEqual([
      ["dns-amplification", "train"],
      ["syn-flood", "val"],
    ]);
    for (const e of ex) {
      const r = b.ranges.find((x) => x.name === e.split)!;
      expect(e.startMinute).toBeGreaterThanOrEqual(r.startMinute);
      expect(e.startMinute + W).toBeLessThanOrEqual(r.endMinute);
      expect(e.length).toBe(W);
    }
  });

  it("attack windows end at the alert and contain the onset; CUSUM onsets are within 2 minutes of the scenario's", () => {
    for (const e of b.early!.examples.filter((x) => x.label === 1)) {
      const l = labels.attacks.find((a) => a.index === e.attackIndex)!;
      const alert = Math.floor(l.alertMs / 60_000);
      expect(e.startMinute + W - 1).toBe(alert);
      expect(e.onsetSource).toBe("cusum");
      expect(Math.abs(e.onsetMinute! - l.onsetMs / 60_000)).toBeLessThanOrEqual(2);
      expect(e.matchingFeature).toBe(matchingFeature(l.vector));
    }
  });

  it("non-attack windows are on the same node and clear of that node's attacks", () => {
    const ex = b.early!.examples;
    for (const q of ex.filter((e) => e.label === 0)) {
      const a = ex.find((e) => e.label === 1 && e.attackIndex === q.attackIndex)!;
      expect(q.node).toBe(a.node);
      expect(q.split).toBe(a.split);
      for (const l of labels.attacks.filter((x) => x.victim === q.node)) {
        expect(q.startMinute + W <= l.onsetMs / 60_000 || q.startMinute >= l.endMs / 60_000).toBe(true);
      }
      expect(q.anomalousBytes.every((x) => x === 0)).toBe(true);
    }
  });

  it("anomalous + normal = inbound bytes per minute, anomalous only from the onset on", () => {
    const byt = featureIndex("volume_in_byt");
    for (const e of b.early!.examples) {
      const s = b.data.nodes.find((n) => n.node === e.node)!;
      let anomalous = 0;
      for (let t = 0; t < W; t++) {
        const all = s.counters[(e.startMinute - b.data.startMinute + t) * FEATURE_COUNT + byt]!;
        expect(e.anomalousBytes[t]! + e.normalBytes[t]!).toBeCloseTo(all, 3);
        if (e.onsetMinute === null || e.startMinute + t < e.onsetMinute) expect(e.anomalousBytes[t]).toBe(0);
        anomalous += e.anomalousBytes[t]!;
      }
      // an attack's anomalous bytes dominate its window's bytes after the onset
      if (e.label === 1) expect(anomalous).toBeGreaterThan(0.9 * e.normalBytes.reduce((x, y) => x + y, 0));
    }
  });

  it("bins the example windows with the node's train cutoffs", () => {
    for (const split of ["train", "val"] as const) {
      const ws = b.earlyWindows[split];
      const ex = b.early!.examples.filter((e) => e.split === split);
      expect(ws.map((w) => w.startMinute)).toEqual(ex.map((e) => e.startMinute));
      for (const w of ws) expect(w.bins.every((x) => x <= 9)).toBe(true);
    }
    // the attack minutes of the matching feature sit in the top bin
    const a = b.early!.examples.find((e) => e.label === 1 && e.split === "train")!;
    const w = b.earlyWindows.train[a.id]!;
    const last = (W - 1) * FEATURE_COUNT + featureIndex(a.matchingFeature);
    expect(w.bins[last]).toBe(9);
  });

  it("prints Tables 1 and 2", () => {
    const t1 = table1(b);
    const t2 = table2(b);
    expect(t1).toMatch(/^Table 1\./);
    expect(t1).toMatch(/^train\s+12\s+2026-03-02 00:00 \.\. 2026-03-02 16:48\s+1008\s+84$/m);
    expect(t2).toMatch(/^split\s+examples\s+attacks\s+non-attacks\s+dns-amplification\s+syn-flood$/m);
    expect(t2).toMatch(/^train\s+2\s+1\s+1\s+1\s+0$/m);
    expect(t2).toMatch(/^val\s+2\s+1\s+1\s+0\s+1$/m);
    expect(t2).toMatch(/^total\s+4\s+2\s+2\s+1\s+1$/m);
    expect(readFileSync(DEMO, "utf8")).toContain("dns-amplification");
  });
});
