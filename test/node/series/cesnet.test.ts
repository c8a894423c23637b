/** @module CESNET-TimeSeries24 loader: parsing rules on small inputs, and on a few real IPs the full axis, in/out sums, zero-filled windows, the unavailable mask and the archive round trip. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CESNET_FEATURES,
  cesnetChunkFile,
  cesnetNodeAddress,
  cesnetSeriesFromCsv,
  loadCesnet,
  readCesnetIndex,
  readCesnetTimes,
} from "../../../cloud/data/series/cesnet.js";
import type { SeriesLoadResult } from "../../../cloud/data/series/common.js";
import { FEATURE_COUNT, FEATURES, featureIndex } from "../../../shared/features/catalogue.js";
import { decodeMinuteArchive, encodeMinuteArchive, type MinuteArchive } from "../../../shared/wire/archive.js";
import { CESNET_DIR, HAVE_SERIES, seriesSuiteName, tempDir } from "./support.js";

const HEADER = "id_time,n_flows,n_packets,n_bytes,n_dest_asn,n_dest_ports,n_dest_ip,tcp_udp_ratio_packets,tcp_udp_ratio_bytes,dir_ratio_packets,dir_ratio_bytes,avg_duration,avg_ttl";
const AVAILABLE = [
  "volume_in_pkt",
  "volume_out_pkt",
  "volume_in_byt",
  "volume_out_byt",
  "proto_tcp_in_pkt",
  "proto_tcp_out_pkt",
  "proto_udp_in_pkt",
  "proto_udp_out_pkt",
  "proto_tcp_in_byt",
  "proto_tcp_out_byt",
  "proto_udp_in_byt",
  "proto_udp_out_byt",
].map(featureIndex);
const AVAILABLE_SET = new Set(AVAILABLE);

describe("cesnet parsing rules", () => {
  it("maps counts and ratios to the 12 features, leaves absent windows at 0", () => {
    const text = `${HEADER}\n1,10,100,1000,1,1,1,0.75,0.5,0.25,0.4,1.0,64\n`;
    const counters = new Float64Array(3 * FEATURE_COUNT).fill(7);
    const s = cesnetSeriesFromCsv(text, "t", 3, counters);
    expect(s.nonEmpty).toBe(1);
    expect(s.sumFlows).toBe(10);
    const row = (k: number, name: string): number => counters[k * FEATURE_COUNT + featureIndex(name)]!;
    expect(row(1, "volume_in_pkt")).toBe(75);
    expect(row(1, "volume_out_pkt")).toBe(25);
    expect(row(1, "volume_in_byt")).toBe(600);
    expect(row(1, "volume_out_byt")).toBe(400);
    expect(row(1, "proto_tcp_in_pkt")).toBe(56.25);
    expect(row(1, "proto_udp_out_pkt")).toBe(6.25);
    expect(row(1, "proto_tcp_out_byt")).toBe(200);
    expect(row(1, "proto_udp_in_byt")).toBe(300);
    expect(row(1, "volume_in_flow")).toBe(0);
    for (const k of [0, 2]) expect(counters.subarray(k * FEATURE_COUNT, (k + 1) * FEATURE_COUNT).every((x) => x === 0)).toBe(true);
  });

  it("rejects a repeated id_time, an id_time off the axis and a ratio outside [0, 1]", () => {
    const counters = new Float64Array(2 * FEATURE_COUNT);
    const line = (id: number, dir = "0.5"): string => `${id},1,1,1,1,1,1,1,1,${dir},0.5,1,1`;
    expect(() => cesnetSeriesFromCsv(`${HEADER}\n${line(0)}\n${line(0)}\n`, "t", 2, counters)).toThrow(/repeats/);
    expect(() => cesnetSeriesFromCsv(`${HEADER}\n${line(2)}\n`, "t", 2, counters)).toThrow(/off the axis/);
    expect(() => cesnetSeriesFromCsv(`${HEADER}\n${line(0, "1.5")}\n`, "t", 2, counters)).toThrow(/outside/);
  });

  it("maps id_ip into 10.0.0.0/8", () => {
    expect(cesnetNodeAddress(11)).toBe("10.0.0.11");
    expect(cesnetNodeAddress(2008461)).toBe("10.30.165.141");
    expect(() => cesnetNodeAddress(1 << 24)).toThrow(RangeError);
  });

  it("marks exactly 12 features available: 4 derived volumes, 8 approximate TCP/UDP splits", () => {
    expect(CESNET_FEATURES.filter((f) => f.status !== "unavailable").map((f) => f.index).sort((a, b) => a - b)).toEqual([...AVAILABLE].sort((a, b) => a - b));
    expect(CESNET_FEATURES.filter((f) => f.status === "derived").map((f) => f.name)).toEqual(["volume_in_pkt", "volume_in_byt", "volume_out_pkt", "volume_out_byt"]);
    expect(CESNET_FEATURES.filter((f) => f.status === "approximate")).toHaveLength(8);
  });
});

/** Parsed source CSV of one IP: id_time -> [n_packets, n_bytes, dir_ratio_packets, dir_ratio_bytes]. */
function sourceRows(idIp: number): Map<number, [number, number, number, number]> {
  const text = gunzipSync(readFileSync(join(CESNET_DIR, "ip_addresses_sample", "agg_10_minutes", `${idIp}.csv.gz`))).toString("utf8");
  const out = new Map<number, [number, number, number, number]>();
  for (const line of text.split("\n").slice(1)) {
    if (line === "") continue;
    const f = line.split(",").map(Number);
    out.set(f[0]!, [f[2]!, f[3]!, f[9]!, f[10]!]);
  }
  return out;
}

// 1367: complete stratum, one empty window; 2003134: random stratum, 5,194 non-empty windows.
const IDS = [1367, 2003134] as const;

describe.skipIf(!HAVE_SERIES)(seriesSuiteName("cesnet loader on the real files"), () => {
  const tmp = HAVE_SERIES ? tempDir("nfg-cesnet-") : undefined;
  let result: SeriesLoadResult;
  const chunks = new Map<number, { chunk: MinuteArchive; bytes: Uint8Array }>();
  let minutes: Uint32Array;

  beforeAll(() => {
    result = loadCesnet({ inDir: CESNET_DIR, outDir: tmp!.dir, ids: [...IDS] });
    for (const id of IDS) {
      const bytes = new Uint8Array(readFileSync(join(tmp!.dir, cesnetChunkFile(id))));
      chunks.set(id, { chunk: decodeMinuteArchive(bytes), bytes });
    }
    minutes = readCesnetTimes(CESNET_DIR);
  });
  afterAll(() => tmp?.remove());

  it("has the full 40,298-window UTC axis", () => {
    expect(minutes.length).toBe(40_298);
    expect(minutes[0]).toBe(Math.floor(Date.parse("2023-10-09T02:03:49+02:00") / 60_000));
    expect(minutes[40_297]).toBe(Math.floor(Date.parse("2024-07-14T23:50:52+02:00") / 60_000));
    let long = 0;
    for (let k = 1; k < minutes.length; k++) {
      const step = minutes[k]! - minutes[k - 1]!;
      expect(step).toBeGreaterThanOrEqual(10);
      if (step !== 10) long++; // the DST change (+70 min) and 4 collection gaps
    }
    expect(long).toBe(5);
  });

  it("writes a manifest with nodes, strata, rows, step, range, features and citation", () => {
    const m = result.manifest;
    expect(m.stepMinutes).toBe(10);
    expect(m.rows).toBe(2 * 40_298);
    expect(m.nodes.map((n) => n.meta.id_ip)).toEqual([...IDS]);
    expect(m.nodes.map((n) => n.meta.stratum)).toEqual(["complete", "random"]);
    expect(m.timeRange.firstMinute).toBe(minutes[0]);
    expect(m.timeRange.lastUtc).toBe("2024-07-14T21:50Z");
    expect(m.features).toHaveLength(FEATURE_COUNT);
    expect(m.citation).toMatch(/10\.1038\/s41597-025-04603-x/);
    expect(m.licence).toMatch(/CC BY 4\.0/);
    const onDisk = JSON.parse(readFileSync(result.manifestPath, "utf8"));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(m)));
  });

  it("gives every IP the full axis and its non-empty windows as files.csv says", () => {
    const index = new Map(readCesnetIndex(CESNET_DIR).map((e) => [e.idIp, e]));
    for (const id of IDS) {
      const { chunk } = chunks.get(id)!;
      expect(chunk.node.length).toBe(40_298);
      expect(chunk.nodes).toEqual([cesnetNodeAddress(id)]);
      expect(chunk.minute).toEqual(minutes);
      const node = result.manifest.nodes.find((n) => n.meta.id_ip === id)!;
      expect(node.meta.non_empty_windows).toBe(index.get(id)!.rows);
      expect(sourceRows(id).size).toBe(index.get(id)!.rows);
    }
    expect(result.manifest.nodes[0]!.meta.non_empty_windows).toBeGreaterThanOrEqual(37_963);
    expect(chunks.get(1367)!.chunk.customers).toEqual(["cesnet-inst-26"]);
  });

  it("splits bytes and packets so that in + out gives back n_bytes and n_packets", () => {
    const inByt = featureIndex("volume_in_byt");
    const outByt = featureIndex("volume_out_byt");
    const inPkt = featureIndex("volume_in_pkt");
    const outPkt = featureIndex("volume_out_pkt");
    const protoByt = ["proto_tcp_in_byt", "proto_tcp_out_byt", "proto_udp_in_byt", "proto_udp_out_byt"].map(featureIndex);
    for (const id of IDS) {
      const { counters } = chunks.get(id)!.chunk;
      let total = 0;
      let worst = 0;
      for (const [k, [pkt, byt, dirPkt, dirByt]] of sourceRows(id)) {
        const b = k * FEATURE_COUNT;
        const sum = counters[b + inByt]! + counters[b + outByt]!;
        worst = Math.max(worst, Math.abs(sum - byt) / Math.max(byt, 1));
        if (counters[b + inByt] !== byt * (1 - dirByt) || counters[b + outPkt] !== pkt * dirPkt) throw new Error(`window ${k}: split differs`);
        worst = Math.max(worst, Math.abs(counters[b + inPkt]! + counters[b + outPkt]! - pkt) / Math.max(pkt, 1));
        const proto = protoByt.reduce((s, f) => s + counters[b + f]!, 0);
        worst = Math.max(worst, Math.abs(proto - byt) / Math.max(byt, 1));
        total += sum;
      }
      // in + out is the total to float precision (the ±0.5 % of the README is the split's accuracy, not the sum's)
      expect(worst).toBeLessThan(1e-12);
      const node = result.manifest.nodes.find((n) => n.meta.id_ip === id)!;
      expect(Math.abs(total - (node.meta.sum_n_bytes as number)) / total).toBeLessThan(1e-12);
    }
  });

  it("fills windows without a row with zero traffic, not unavailable", () => {
    for (const id of IDS) {
      const { counters, unavailable } = chunks.get(id)!.chunk;
      const present = sourceRows(id);
      let empty = 0;
      for (let k = 0; k < 40_298; k++) {
        if (present.has(k)) continue;
        empty++;
        const b = k * FEATURE_COUNT;
        for (let f = 0; f < FEATURE_COUNT; f++) {
          if (counters[b + f] !== 0) throw new Error(`empty window ${k} feature ${f} is ${counters[b + f]}`);
          if (unavailable![b + f] !== (AVAILABLE_SET.has(f) ? 0 : 1)) throw new Error(`empty window ${k} feature ${f} mask ${unavailable![b + f]}`);
        }
      }
      expect(empty).toBe(40_298 - present.size);
      expect(empty).toBeGreaterThan(0);
    }
  });

  it("flags ports, TCP flags, ICMP/other and flows unavailable in every row, with value 0", () => {
    const masked = FEATURES.filter((f) => f.group === "port" || f.group === "tcpflags" || f.type === "flow" || f.value === "icmp" || f.value === "other");
    expect(masked).toHaveLength(FEATURE_COUNT - 12);
    for (const id of IDS) {
      const { counters, unavailable } = chunks.get(id)!.chunk;
      for (let k = 0; k < 40_298; k++) {
        const b = k * FEATURE_COUNT;
        for (const f of masked) {
          if (unavailable![b + f.index] !== 1 || counters[b + f.index] !== 0) throw new Error(`row ${k} ${f.name} not masked or not 0`);
        }
        for (const f of AVAILABLE) if (unavailable![b + f] !== 0) throw new Error(`row ${k} feature ${f} masked`);
      }
    }
  });

  it("round-trips through decodeMinuteArchive and encodeMinuteArchive bit for bit", () => {
    for (const id of IDS) {
      const { chunk, bytes } = chunks.get(id)!;
      expect(chunk.tenant).toBe("cesnet-timeseries24");
      // Buffer.equals: vitest's deep equality on megabytes of Uint8Array takes tens of seconds
      expect(Buffer.from(encodeMinuteArchive(chunk)).equals(Buffer.from(bytes))).toBe(true);
      expect(result.manifest.nodes.find((n) => n.meta.id_ip === id)!.bytes).toBe(bytes.length);
    }
  });
});
