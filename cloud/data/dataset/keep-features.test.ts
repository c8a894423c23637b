/** @module keep-features: kept features pass through, the others become bin 0 and unavailable (existing masks stay), and the copy reads back as a dataset whose evaluation leaves the hidden features out. */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";
import { main } from "../../cli/main.js";
import { cleanupTmp, finetuneDataset, tmpDir } from "../../finetune/test-fixtures.js";
import { loadEarlyData } from "../../finetune/early-data.js";
import { loadDatasetDir, loadSplit } from "../../train/data.js";
import { FEATURE_SUBSETS, keepWindowFeatures, parseFeatureSubset } from "./keep-features.js";

afterAll(cleanupTmp);

describe("keep-features", () => {
  it("keeps the chosen features, zeroes and masks the rest, and keeps earlier masks (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.uniqueArray(fc.integer({ min: 0, max: FEATURE_COUNT - 1 }), { minLength: 1, maxLength: 8 }), fc.boolean(), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (T, keep, masked, seed) => {
        let s = seed;
        const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) % 10;
        const bins = Uint8Array.from({ length: T * FEATURE_COUNT }, rnd);
        const unavailable = masked ? Uint8Array.from({ length: T * FEATURE_COUNT }, () => (rnd() === 0 ? 1 : 0)) : undefined;
        const w = keepWindowFeatures({ node: 3, startMinute: 7, bins, ...(unavailable ? { unavailable } : {}) }, new Set(keep));
        expect([w.node, w.startMinute]).toEqual([3, 7]);
        for (let i = 0; i < bins.length; i++) {
          const f = i % FEATURE_COUNT;
          if (keep.includes(f)) {
            expect(w.bins[i]).toBe(bins[i]);
            expect(w.unavailable![i]).toBe(unavailable?.[i] ?? 0);
          } else {
            expect(w.bins[i]).toBe(0);
            expect(w.unavailable![i]).toBe(1);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it("parses a named subset or catalogue names, and rejects unknown names", () => {
    expect(parseFeatureSubset("volume")).toEqual([...FEATURE_SUBSETS.volume!]);
    expect(parseFeatureSubset("volume_out_byt, volume_in_pkt")).toEqual([featureIndex("volume_in_pkt"), featureIndex("volume_out_byt")].sort((a, b) => a - b));
    expect(() => parseFeatureSubset("volume_in_nope")).toThrow();
    expect(() => parseFeatureSubset(" , ")).toThrow(/empty/);
  });

  it("writes a dataset that pre-training and fine-tuning read; only the kept features carry values", async () => {
    const src = finetuneDataset(48);
    const out = join(tmpDir(), "vol6");
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t), env: {} };
    expect(await main(["data", "keep-features", "--data", src, "--out", out, "--features", "volume"], io), lines.join("\n")).toBe(0);
    expect(lines.join("\n")).toMatch(/kept 6 features \(volume_in_pkt, .*volume_out_flow\)/);
    lines.length = 0;
    expect(await main(["data", "keep-features", "--data", src, "--out", out, "--features", "volume"], io)).toBe(2);
    expect(lines.join("\n")).toMatch(/exists; choose a new directory/);

    const kept = new Set(FEATURE_SUBSETS.volume);
    const [a, b] = [loadDatasetDir(src), loadDatasetDir(out)];
    expect(b.train.length).toBe(a.train.length);
    let nonzeroKept = 0;
    b.train.forEach((w, i) => {
      for (let j = 0; j < w.bins.length; j++) {
        if (kept.has(j % FEATURE_COUNT)) {
          expect(w.bins[j]).toBe(a.train[i]!.bins[j]);
          if (w.bins[j] !== 0) nonzeroKept++;
        } else expect(w.bins[j]).toBe(0);
      }
    });
    expect(nonzeroKept).toBeGreaterThan(0);
    // evaluation sees the masks: 80 of 86 features are unavailable in every minute
    const val = loadSplit(out, "val").windows[0]!;
    expect(val.unavailable!.reduce((s, x) => s + x, 0)).toBe((FEATURE_COUNT - 6) * (val.bins.length / FEATURE_COUNT));
    // fine-tuning's reader: the same records, the EarlyDetect windows restricted as well
    const [ea, eb] = [loadEarlyData(src), loadEarlyData(out)];
    expect(eb.splits.test.records).toEqual(ea.splits.test.records);
    expect(eb.hash).not.toBe(ea.hash); // so the hidden-state cache keys differ
    expect(eb.splits.test.windows[0]!.bins.every((x, j) => kept.has(j % FEATURE_COUNT) || x === 0)).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).featureSubset.features).toHaveLength(6);
  }, 60_000);
});
