/** @module Dataset builder tests on constructed archives: no leakage across the time split, train-only cutoffs, unseen-node mapping, unavailable masks, and the files written. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applySeries } from "../../../shared/binning/apply.js";
import { fitNodeCutoffs } from "../../../shared/binning/fit.js";
import { MAX_CUTOFFS } from "../../../shared/binning/types.js";
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";
import { type ArchiveRow, encodeMinuteArchive, minuteArchiveFromNodeMinutes } from "../../../shared/wire/archive.js";
import { decodeCutoffTable, encodeCutoffTable } from "../../../shared/wire/cutoffs.js";
import { buildDataset, writeDataset } from "../../../cloud/data/dataset/build.js";
import { gatherSeries, readArchiveDir, sliceCounters } from "../../../cloud/data/dataset/series.js";
import { parseFractions, splitRanges } from "../../../cloud/data/dataset/split.js";
import { table1 } from "../../../cloud/data/dataset/tables.js";
import { decodeWindows, encodeWindows } from "../../../cloud/data/dataset/windows-file.js";

const M0 = 29_000_000;
const T = 1000;
const BYT = featureIndex("volume_in_byt");
const PKT = featureIndex("volume_in_pkt");
const OUT_FLOW = featureIndex("volume_out_flow");

/** Deterministic rows: A large, B small (with an unavailable mask on volume_out_flow), C like B but only in the last 200 minutes. */
function rows(plant = false): ArchiveRow[] {
  const out: ArchiveRow[] = [];
  for (let t = 0; t < T; t++) {
    if (t % 7 === 3) continue; // missing minutes: zero traffic
    const a = new Float64Array(FEATURE_COUNT);
    a[BYT] = 1e6 + ((t * 7919) % 101) * 1e4;
    a[PKT] = 1000 + ((t * 31) % 53);
    if (plant && t === 950) a[BYT] = 1e12; // only in the test range
    out.push({ node: "10.0.0.1", customer: "c", minute: M0 + t, counters: a });
    const b = new Float64Array(FEATURE_COUNT);
    b[BYT] = 1e3 + ((t * 104729) % 97) * 10;
    b[PKT] = 5 + (t % 5);
    const mask = new Uint8Array(FEATURE_COUNT);
    mask[OUT_FLOW] = 1;
    out.push({ node: "10.0.0.2", customer: "c", minute: M0 + t, counters: b, unavailable: mask });
    if (t >= 800) {
      const c = new Float64Array(FEATURE_COUNT);
      c[BYT] = 1.1e3 + ((t * 7) % 89) * 10;
      c[PKT] = 6 + (t % 3);
      out.push({ node: "10.0.0.3", customer: "c", minute: M0 + t, counters: c });
    }
  }
  return out;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "nfg-dataset-"));
  dirs.push(d);
  return d;
}

describe("time split", () => {
  it("splits by fractions into contiguous ranges", () => {
    expect(splitRanges(0, 1440).map((r) => [r.startMinute, r.endMinute])).toEqual([[0, 1008], [1008, 1224], [1224, 1440]]);
    expect(parseFractions("0.8,0.1,0.1")).toEqual([0.8, 0.1, 0.1]);
    expect(() => parseFractions("0.8,0.1")).toThrow(RangeError);
    expect(() => parseFractions("0.5,0.1,0.1")).toThrow(RangeError);
  });

  it("no window straddles a boundary, for overlapping strides too", () => {
    const data = gatherSeries(rows());
    for (const [window, stride] of [[50, 50], [50, 20], [100, 7], [150, 150]] as const) {
      const b = buildDataset(data, { window, stride });
      for (const s of b.splits) {
        expect(s.windows.length).toBeGreaterThan(0);
        for (const w of s.windows) {
          expect(w.startMinute).toBeGreaterThanOrEqual(s.range.startMinute);
          expect(w.startMinute + window).toBeLessThanOrEqual(s.range.endMinute);
        }
      }
    }
  });

  it("train cutoffs see only train minutes: a huge value planted in the test range changes nothing", () => {
    const clean = buildDataset(gatherSeries(rows(false)), { window: 50 });
    const planted = buildDataset(gatherSeries(rows(true)), { window: 50 });
    expect(encodeCutoffTable(planted.cutoffs)).toEqual(encodeCutoffTable(clean.cutoffs));
    const i = planted.cutoffs.nodes.indexOf("10.0.0.1");
    const c = planted.cutoffs.cutoffs[i]!;
    const top = c.values[BYT * MAX_CUTOFFS + c.counts[BYT]! - 1]!;
    expect(top).toBeLessThan(1e7);
    // and they equal Algorithm 1 on the train slice (node A has no mask)
    const a = planted.data.nodes.find((s) => s.node === "10.0.0.1")!;
    const train = planted.ranges[0]!;
    const direct = fitNodeCutoffs(sliceCounters(a, 0, train.endMinute - train.startMinute), train.endMinute - train.startMinute);
    expect(Array.from(c.counts)).toEqual(Array.from(direct.counts));
    expect(Array.from(c.values)).toEqual(Array.from(direct.values));
    // the planted minute lands in the top bin of its test window
    const test = planted.splits[2]!;
    const w = test.windows.find((x) => x.node === planted.data.nodes.indexOf(a) && x.startMinute <= M0 + 950 && x.startMinute + 50 > M0 + 950)!;
    expect(w.bins[(M0 + 950 - w.startMinute) * FEATURE_COUNT + BYT]).toBe(9);
  });
});

describe("unseen nodes and masks", () => {
  const b = buildDataset(gatherSeries(rows()), { window: 50 });

  it("maps a node absent from train to its nearest train node and bins it with that node's cutoffs", () => {
    expect(b.trainNodes).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(b.unseen).toHaveLength(1);
    expect(b.unseen[0]).toMatchObject({ node: "10.0.0.3", mappedTo: "10.0.0.2", signatureSplit: "val" });
    const ci = b.data.nodes.findIndex((s) => s.node === "10.0.0.3");
    const c = b.data.nodes[ci]!;
    const mapped = b.cutoffs.cutoffs[b.cutoffs.nodes.indexOf("10.0.0.2")]!;
    const windows = b.splits.flatMap((s) => s.windows).filter((w) => w.node === ci);
    expect(windows.length).toBeGreaterThan(0);
    expect(b.splits[0]!.windows.some((w) => w.node === ci)).toBe(false); // no train windows for it
    for (const w of windows) {
      const rel = w.startMinute - b.data.startMinute;
      expect(Array.from(w.bins)).toEqual(Array.from(applySeries(mapped, sliceCounters(c, rel, rel + 50), 50)));
    }
  });

  it("carries unavailable masks into the windows and leaves masked minutes out of the fit", () => {
    expect(b.masked).toBe(true);
    const bi = b.data.nodes.findIndex((s) => s.node === "10.0.0.2");
    const w = b.splits[1]!.windows.find((x) => x.node === bi)!;
    const present = (w.startMinute - M0) % 7 !== 3 ? 0 : 1; // minute 0 of the window
    expect(w.unavailable![OUT_FLOW]).toBe(present === 0 ? 1 : 0);
    expect(w.unavailable![BYT]).toBe(0);
    const ai = b.data.nodes.findIndex((s) => s.node === "10.0.0.1");
    expect(b.splits[1]!.windows.find((x) => x.node === ai)!.unavailable!.every((m) => m === 0)).toBe(true);
  });
});

describe("files", () => {
  it("reads chunks from a directory, writes manifest, cutoffs and window files that read back", () => {
    const dir = tmp();
    const all = rows();
    writeFileSync(join(dir, "a.nfga"), encodeMinuteArchive(minuteArchiveFromNodeMinutes("t", 0, all.slice(0, 900))));
    writeFileSync(join(dir, "b.nfga"), encodeMinuteArchive(minuteArchiveFromNodeMinutes("t", 1, all.slice(900))));
    const read = readArchiveDir(dir);
    expect(read.files).toEqual(["a.nfga", "b.nfga"]);
    const b = buildDataset(gatherSeries(read.rows), { window: 64, stride: 32, seed: 5 });
    const out = join(dir, "out");
    const files = writeDataset(out, b);
    expect(files).toEqual(["cutoffs.nfgc", "train.windows.bin", "val.windows.bin", "test.windows.bin", "manifest.json"]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ format: "netflowgen.dataset", schemaHash: "aade23c8", window: { length: 64, stride: 32 }, seeds: { dataset: 5 }, earlyDetect: null });
    expect(manifest.splits.map((s: { name: string; windows: number }) => [s.name, s.windows])).toEqual(b.splits.map((s) => [s.range.name, s.windows.length]));
    expect(manifest.unseen[0].node).toBe("10.0.0.3");
    expect(manifest.nodes.find((n: { node: string }) => n.node === "10.0.0.3")).toMatchObject({ inTrain: false, cutoffsFrom: "10.0.0.2" });
    const table = decodeCutoffTable(readFileSync(join(out, "cutoffs.nfgc")));
    expect(table.nodes).toEqual(["10.0.0.1", "10.0.0.2"]);
    const val = decodeWindows(readFileSync(join(out, "val.windows.bin")));
    expect(val).toMatchObject({ length: 64, masked: true });
    expect(val.windows.length).toBe(b.splits[1]!.windows.length);
    val.windows.forEach((w, i) => {
      const m = b.splits[1]!.windows[i]!;
      expect([w.node, w.startMinute]).toEqual([m.node, m.startMinute]);
      expect(Buffer.from(w.bins).equals(Buffer.from(m.bins))).toBe(true);
      expect(Buffer.from(w.unavailable!).equals(Buffer.from(m.unavailable!))).toBe(true);
    });
    expect(table1(b)).toMatch(/^Table 1\./);
  });

  it("window file round trip without a mask, and rejects a foreign file", () => {
    const w = [{ node: 3, startMinute: 123, bins: new Uint8Array(2 * FEATURE_COUNT).fill(4) }];
    const bytes = encodeWindows(2, w, false);
    expect(decodeWindows(bytes)).toEqual({ length: 2, schemaHash: 0xaade23c8, masked: false, windows: w });
    const bad = bytes.slice();
    bad[0] = 0x41;
    expect(() => decodeWindows(bad)).toThrow(/magic/);
    expect(() => decodeWindows(bytes.subarray(0, bytes.length - 1))).toThrow(/bytes/);
  });
});
