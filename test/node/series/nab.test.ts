/** @module NAB AWS NetworkIn loader: duplicate and gap rules on small inputs, and on the real files rows, inbound bytes, the mask, labels and the archive round trip. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeriesLoadResult } from "../../../cloud/data/series/common.js";
import { NAB_FILES, NAB_LABELS_FILE, nabChunkFile, nabMinute, nabSeriesFromCsv, loadNab, type NabLabels } from "../../../cloud/data/series/nab.js";
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";
import { decodeMinuteArchive, encodeMinuteArchive, type MinuteArchive } from "../../../shared/wire/archive.js";
import { HAVE_SERIES, NAB_DIR, seriesSuiteName, tempDir } from "./support.js";

const IN_BYT = featureIndex("volume_in_byt");
const at = (text: string): number => Date.parse(text.replace(" ", "T") + "Z") / 60_000;

describe("nab parsing rules", () => {
  it("reads zone-less timestamps as UTC", () => {
    expect(nabMinute("2014-04-10 00:04:00", "t")).toBe(Date.UTC(2014, 3, 10, 0, 4) / 60_000);
    expect(nabMinute("2014-04-14 23:59:00.000000", "t")).toBe(Date.UTC(2014, 3, 14, 23, 59) / 60_000);
    expect(() => nabMinute("2014-04-10T00:04:00Z", "t")).toThrow(/YYYY-MM-DD/);
  });

  it("keeps the first of repeated timestamps, masks gap rows, lets short steps through", () => {
    const text = [
      "timestamp,value",
      "2014-01-01 00:00:00,1",
      "2014-01-01 00:05:00,2",
      "2014-01-01 00:05:00,99",
      "2014-01-01 00:05:00,98",
      "2014-01-01 00:06:00,3", // a 60 s step: no gap row
      "2014-01-01 00:24:00,4", // 18 min: rows at 00:11 and 00:16 (floor(18/5) - 1 = 2)
      "",
    ].join("\n");
    const s = nabSeriesFromCsv(text, "t");
    expect(s.samples).toBe(6);
    expect(s.duplicatesDropped).toBe(2);
    expect(s.gapRows).toBe(2);
    const base = at("2014-01-01 00:00:00");
    expect(Array.from(s.minutes, (m) => m - base)).toEqual([0, 5, 6, 11, 16, 24]);
    const value = (i: number): number => s.counters[i * FEATURE_COUNT + IN_BYT]!;
    expect([0, 1, 2, 5].map(value)).toEqual([1, 2, 3, 4]);
    for (const i of [3, 4]) {
      expect(s.unavailable.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT).every((m) => m === 1)).toBe(true);
      expect(value(i)).toBe(0);
    }
    const sample = s.unavailable.subarray(0, FEATURE_COUNT);
    expect(sample.reduce((a, b) => a + b, 0)).toBe(FEATURE_COUNT - 1);
    expect(sample[IN_BYT]).toBe(0);
  });

  it("rejects a timestamp going back and a negative value", () => {
    expect(() => nabSeriesFromCsv("timestamp,value\n2014-01-01 00:05:00,1\n2014-01-01 00:00:00,1\n", "t")).toThrow(/back in time/);
    expect(() => nabSeriesFromCsv("timestamp,value\n2014-01-01 00:05:00,-1\n", "t")).toThrow(/negative/);
  });
});

/** First-kept (minute, value) samples of a NAB CSV, parsed independently of the loader. */
function samples(file: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of readFileSync(join(NAB_DIR, file), "utf8").split("\n").slice(1)) {
    if (line === "") continue;
    const [t, v] = line.split(",");
    const m = at(t!);
    if (!out.has(m)) out.set(m, Number(v));
  }
  return out;
}

describe.skipIf(!HAVE_SERIES)(seriesSuiteName("nab loader on the real files"), () => {
  const tmp = HAVE_SERIES ? tempDir("nfg-nab-") : undefined;
  let result: SeriesLoadResult;
  const chunks = new Map<string, { chunk: MinuteArchive; bytes: Uint8Array }>();

  beforeAll(() => {
    result = loadNab({ inDir: NAB_DIR, outDir: tmp!.dir });
    for (const { file } of NAB_FILES) {
      const bytes = new Uint8Array(readFileSync(join(tmp!.dir, nabChunkFile(file))));
      chunks.set(file, { chunk: decodeMinuteArchive(bytes), bytes });
    }
  });
  afterAll(() => tmp?.remove());

  it("loads the three EC2 NetworkIn files with their duplicates and gaps counted", () => {
    const m = result.manifest;
    expect(m.stepMinutes).toBe(5);
    expect(m.nodes.map((n) => n.node)).toEqual(["198.51.100.1", "198.51.100.2", "198.51.100.3"]);
    expect(m.nodes.map((n) => [n.meta.samples, n.meta.duplicates_dropped, n.meta.gap_rows, n.rows])).toEqual([
      [4032, 0, 2, 4034], // two 600 s steps: one unavailable row each
      [4730, 11, 11, 4730], // 11 repeats of 2014-03-09 03:00 dropped; the 3,840 s gap before it: 11 rows
      [1243, 0, 0, 1243],
    ]);
    expect(m.rows).toBe(4034 + 4730 + 1243);
    expect(m.features.filter((f) => f.status !== "unavailable").map((f) => f.name)).toEqual(["volume_in_byt"]);
    expect(m.licence).toMatch(/MIT/);
  });

  it("puts every first-kept sample in volume_in_byt and masks everything else", () => {
    for (const { file } of NAB_FILES) {
      const { chunk } = chunks.get(file)!;
      const want = samples(file);
      let sampleRows = 0;
      for (let i = 0; i < chunk.minute.length; i++) {
        if (i > 0 && chunk.minute[i]! <= chunk.minute[i - 1]!) throw new Error(`${file} row ${i}: minutes do not increase`);
        const b = i * FEATURE_COUNT;
        const v = want.get(chunk.minute[i]!);
        for (let f = 0; f < FEATURE_COUNT; f++) {
          const masked = f === IN_BYT && v !== undefined ? 0 : 1;
          if (chunk.unavailable![b + f] !== masked) throw new Error(`${file} row ${i} feature ${f}: mask ${chunk.unavailable![b + f]}`);
          if (masked === 1 && chunk.counters[b + f] !== 0) throw new Error(`${file} row ${i} feature ${f}: unavailable but not 0`);
        }
        if (v !== undefined) {
          sampleRows++;
          if (chunk.counters[b + IN_BYT] !== v) throw new Error(`${file} row ${i}: ${chunk.counters[b + IN_BYT]} != ${v}`);
        }
      }
      expect(sampleRows).toBe(want.size);
    }
    // the first of the repeated 2014-03-09 03:00 rows is kept (42.0, not 103.2 ...)
    const { chunk } = chunks.get("ec2_network_in_5abac7.csv")!;
    const i = chunk.minute.indexOf(at("2014-03-09 03:00:00"));
    expect(chunk.counters[i * FEATURE_COUNT + IN_BYT]).toBe(42);
    // the gap before it: 01:56 (sample), 02:01 .. 02:51 unavailable, 03:00 (sample)
    const gap = Array.from(chunk.minute.subarray(i - 12, i + 1), (m) => m - at("2014-03-09 01:56:00"));
    expect(gap).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 64]);
  });

  it("writes the labelled anomaly windows and points", () => {
    const labels = JSON.parse(readFileSync(join(tmp!.dir, NAB_LABELS_FILE), "utf8")) as NabLabels;
    expect(labels.nodes.map((n) => n.windows.length)).toEqual([1, 2, 2]);
    expect(labels.nodes.map((n) => n.points.length)).toEqual([1, 2, 2]);
    const first = labels.nodes[0]!;
    expect(first.node).toBe("198.51.100.1");
    expect(first.windows[0]).toMatchObject({ startMinute: at("2014-04-14 23:59:00"), endMinute: at("2014-04-16 09:29:00") });
    expect(first.points[0]!.minute).toBe(at("2014-04-15 16:44:00"));
    // the README says each window is centred on its point, but i-a2eb1cd9's first point (09:35) lies
    // an hour before its window (10:35-15:45): windows and points are copied as NAB has them
    expect(labels.nodes[2]!.points[0]!.minute).toBe(at("2013-10-10 09:35:00"));
    expect(labels.nodes[2]!.windows[0]!.startMinute).toBe(at("2013-10-10 10:35:00"));
    for (const [n, node] of labels.nodes.entries()) {
      const rows = result.manifest.nodes[n]!;
      node.windows.forEach((w) => {
        expect(w.endMinute).toBeGreaterThan(w.startMinute);
        expect(w.startMinute).toBeGreaterThanOrEqual(rows.firstMinute);
        expect(w.endMinute).toBeLessThanOrEqual(rows.lastMinute);
      });
    }
  });

  it("round-trips through decodeMinuteArchive and encodeMinuteArchive bit for bit", () => {
    for (const { file, node } of NAB_FILES) {
      const { chunk, bytes } = chunks.get(file)!;
      expect(chunk.nodes).toEqual([node]);
      expect(chunk.tenant).toBe("nab-aws-network");
      expect(Buffer.from(encodeMinuteArchive(chunk)).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});
