/** @module IPFIX conformance: real softflowd/pmacct exports vs nfdump 1.7.1 and tshark 4.0, and real-device fixtures from akvorado. */
import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ExporterState } from "../../../edge/src/parsers/exporter-state.js";
import { ipfix } from "../../../edge/src/parsers/ipfix/parse.js";
import { collect } from "../../../edge/src/parsers/parser.case.js";
import { EXTERNAL_DATA, HAVE_EXTERNAL_DATA, NO_EXTERNAL_DATA } from "../support/nfdump-truth.js";
import { readPcapUdp } from "../support/pcap.js";
import { comparable, decodePcap, matchFlows, readExactTruth, readTshark, totals } from "./ipfix-reference.js";

const skipNote = HAVE_EXTERNAL_DATA ? "" : ` (${NO_EXTERNAL_DATA})`;

/** Every IPFIX export pcap (`*.ipfix*.pcap`) of both exporters. */
const EXPORTS = HAVE_EXTERNAL_DATA
  ? ["softflowd", "pmacct"].flatMap((dir) =>
      readdirSync(`${EXTERNAL_DATA}netflow-exports/${dir}`)
        .filter((f) => f.includes(".ipfix") && f.endsWith(".pcap"))
        .map((f) => ({ path: `${EXTERNAL_DATA}netflow-exports/${dir}/${f}`, base: f.replace(/\.pcap$/, "") })),
    )
  : [];

describe.skipIf(!HAVE_EXTERNAL_DATA)(`ipfix conformance: softflowd and pmacct exports vs nfdump and tshark${skipNote}`, () => {
  it("finds the 15 IPFIX exports (13 softflowd, 2 pmacct)", () => {
    expect(EXPORTS).toHaveLength(15);
  });

  for (const { path, base } of EXPORTS) {
    it(`${base}: every flow matches nfdump field by field, totals exactly`, () => {
      const { flows, report } = decodePcap(path);
      const truth = readExactTruth(base);
      // Every export starts with its templates (and softflowd's options record with IE 160): nothing waits, nothing is bad.
      expect(report).toMatchObject({ rejected: 0, buffered: 0, released: 0 });
      expect(totals(flows)).toEqual(totals(truth));
      // nfdump 1.7.1 swaps first/last for flowStart/EndSysUpTime (IE 22/21): in the uptime export its
      // "first" is our end and its "last" our start (negative durations in its output). tshark agrees with us.
      const uptime = base.endsWith(".ipfix-uptime");
      if (uptime) expect(truth.some((t) => t.startMs > t.endMs)).toBe(true);
      const reference = uptime ? truth.map((t) => ({ ...t, startMs: t.endMs, endMs: t.startMs })) : truth;
      // Addresses through addressMatches (nfdump abbreviates long IPv6 text); ICMP type.code is
      // type·256+code on both sides (readTruth converts nfdump's "3.3").
      const m = matchFlows(flows.map(comparable), reference);
      expect({ onlyOurs: m.onlyOurs, onlyNfdump: m.onlyReference }).toEqual({ onlyOurs: [], onlyNfdump: [] });
      expect(m.matched).toBe(truth.length);
    });

    const tshark = `${base}.tshark.json.gz`;
    if (existsSync(`${EXTERNAL_DATA}tshark-decode/${tshark}`)) {
      it(`${base}: every flow matches tshark's cflow decode field by field`, () => {
        const { flows } = decodePcap(path);
        const reference = readTshark(tshark);
        expect(totals(flows)).toEqual(totals(reference));
        const m = matchFlows(flows.map(comparable), reference);
        expect({ onlyOurs: m.onlyOurs, onlyTshark: m.onlyReference }).toEqual({ onlyOurs: [], onlyTshark: [] });
      });
    }
  }

  it("loopback.softflowd.ipfix-uptime: the same flows as the absolute-ms export of the same capture, times within 1 ms", () => {
    const dir = `${EXTERNAL_DATA}netflow-exports/softflowd/`;
    const uptime = decodePcap(`${dir}loopback.softflowd.ipfix-uptime.pcap`).flows.map(comparable);
    const absms = decodePcap(`${dir}loopback.softflowd.ipfix-absms.pcap`).flows.map(comparable);
    const noTimes = ["protocol", "src", "dst", "srcPort", "dstPort", "tcpFlags", "packets", "bytes"] as const;
    expect(matchFlows(uptime, absms, [...noTimes]).matched).toBe(absms.length);
    // softflowd rounds uptimes (ms since its boot time, itself truncated to the ms) down: a flow's
    // times in the uptime export are the absolute ones or 1 ms earlier, never anything else.
    const key = (f: (typeof uptime)[number]) => noTimes.map((k) => f[k]).join("|");
    const byKey = (flows: typeof uptime) => {
      const groups = new Map<string, typeof uptime>();
      for (const f of [...flows].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs)) groups.set(key(f), [...(groups.get(key(f)) ?? []), f]);
      return groups;
    };
    const a = byKey(absms);
    const deltas = new Set<number>();
    for (const [k, group] of byKey(uptime)) {
      group.forEach((u, i) => {
        const abs = a.get(k)![i]!;
        deltas.add(abs.startMs - u.startMs).add(abs.endMs - u.endMs);
      });
    }
    expect([...deltas].sort()).toEqual([0, 1]);
  });
});

/** Feeds fixture files in order into one exporter state. */
function decodeFixtures(...names: string[]) {
  const state = new ExporterState();
  const result = collect((out, report) => {
    for (const name of names) {
      for (const d of readPcapUdp(`${EXTERNAL_DATA}vendor-export-fixtures-akvorado/${name}.pcap`)) {
        ipfix.parseDatagram({ exporter: d.srcIp, receivedAtMs: d.timeMs, bytes: d.payload }, state, out, report);
      }
    }
  });
  return { ...result, state };
}

const pick = (f: { src: string; dst: string; srcPort: number; dstPort: number; protocol: number; tcpFlags: number; packets: number; bytes: number; samplingRate: number }) => {
  const { src, dst, srcPort, dstPort, protocol, tcpFlags, packets, bytes, samplingRate } = f;
  return { src, dst, srcPort, dstPort, protocol, tcpFlags, packets, bytes, samplingRate };
};

// Expected values were checked by hand against the raw bytes (a separate Python reading) and agree with
// akvorado's own decoder tests for these files (outlet/flow/decoder/netflow/root_test.go).
describe.skipIf(!HAVE_EXTERNAL_DATA)(`ipfix conformance: real-device fixtures (akvorado)${skipNote}`, () => {
  const dir = `${EXTERNAL_DATA}vendor-export-fixtures-akvorado/`;
  const files = HAVE_EXTERNAL_DATA ? readdirSync(dir).filter((f) => f.endsWith(".pcap")).map((f) => f.replace(/\.pcap$/, "")) : [];
  const versionOf = (name: string) => {
    const [d] = readPcapUdp(`${dir}${name}.pcap`);
    return (d!.payload[0]! << 8) | d!.payload[1]!;
  };

  it("picks the IPFIX fixtures by their version field (10); the v5/v9 ones are bad_version, without exceptions", () => {
    const ipfixFiles = files.filter((f) => versionOf(f) === 10).sort();
    expect(ipfixFiles).toEqual([
      "datalink-data", "datalink-template",
      "ethernet-over-mpls-with-control-word-data", "ethernet-over-mpls-with-control-word-template",
      "ipfix-srv6-data", "ipfix-srv6-template",
      "ipfixprobe-data", "ipfixprobe-templates",
      "juniper-cpid-data", "juniper-cpid-template",
      "mpls", "physicalinterfaces",
    ]);
    for (const other of files.filter((f) => !ipfixFiles.includes(f))) {
      const { flows, report } = decodeFixtures(other);
      expect(flows).toHaveLength(0);
      expect(report.issues.every((i) => i.code === "bad_version")).toBe(true);
    }
  });

  it("ipfixprobe: 4 biflows (NTP microsecond times; RFC 5103 reverse counters are enterprise 29305 fields, skipped)", () => {
    const { flows, report } = decodeFixtures("ipfixprobe-templates", "ipfixprobe-data");
    expect(report).toMatchObject({ accepted: 4, rejected: 0 });
    expect(flows.map(pick)).toEqual([
      { src: "10.10.1.4", dst: "10.10.1.1", srcPort: 56166, dstPort: 53, protocol: 17, tcpFlags: 0, packets: 1, bytes: 62, samplingRate: 1 },
      { src: "10.10.1.20", dst: "10.10.1.255", srcPort: 138, dstPort: 138, protocol: 17, tcpFlags: 0, packets: 1, bytes: 229, samplingRate: 1 },
      { src: "10.10.1.4", dst: "74.53.140.153", srcPort: 1470, dstPort: 25, protocol: 6, tcpFlags: 0x1b, packets: 28, bytes: 21673, samplingRate: 1 },
      { src: "192.168.1.1", dst: "10.10.1.4", srcPort: 0, dstPort: 0, protocol: 1, tcpFlags: 0, packets: 4, bytes: 2304, samplingRate: 1 },
    ]);
    // flowStartMicroseconds 0xcb7a...: 2009-10-05 06:06:07.492059 UTC, truncated to the ms
    expect(flows[0]).toMatchObject({ startMs: Date.UTC(2009, 9, 5, 6, 6, 7, 492), endMs: Date.UTC(2009, 9, 5, 6, 6, 7, 526) });
  });

  it("physicalinterfaces: 8 flows of a template with both address families, sampled 1-in-1000 by an RFC 5477 options record", () => {
    const { flows, report, state } = decodeFixtures("physicalinterfaces");
    expect(report).toMatchObject({ accepted: 8, rejected: 0 });
    expect(state.getSampling(0, -1)).toBe(1000);
    expect(pick(flows[0]!)).toEqual({ src: "147.53.240.75", dst: "212.82.101.24", srcPort: 55629, dstPort: 993, protocol: 6, tcpFlags: 0x10, packets: 3, bytes: 4506, samplingRate: 1000 });
    expect(pick(flows[7]!)).toEqual({ src: "77.32.118.219", dst: "82.84.64.106", srcPort: 8662, dstPort: 64614, protocol: 6, tcpFlags: 0x18, packets: 13, bytes: 18356, samplingRate: 1000 });
    expect(flows[7]).toMatchObject({ startMs: 1737739061331, endMs: 1737739081891 });
  });

  it("mpls: 2 IPv6 flows (2-byte tcpControlBits, 3-byte MPLS label fields skipped), sampled 1-in-10", () => {
    const { flows, report } = decodeFixtures("mpls");
    expect(report).toMatchObject({ accepted: 2, rejected: 0 });
    expect(flows.map(pick)).toEqual([
      { src: "fd00::1:0:1:7:1", dst: "fd00::1:0:1:5:1", srcPort: 49153, dstPort: 862, protocol: 17, tcpFlags: 0, packets: 1, bytes: 89, samplingRate: 10 },
      { src: "fd00::1:0:1:7:1", dst: "fd00::1:0:1:6:1", srcPort: 49153, dstPort: 862, protocol: 17, tcpFlags: 0, packets: 10, bytes: 890, samplingRate: 10 },
    ]);
  });

  // These exporters send one record per sampled packet with only dataLinkFrameSection (IE 315, the
  // packet's first bytes) and no address or counter fields. This parser does not dissect captured
  // frames (akvorado does), so every record is reported as missing_field: known, and nothing throws.
  for (const [name, records] of [["juniper-cpid", 1], ["ipfix-srv6", 1], ["datalink", 1], ["ethernet-over-mpls-with-control-word", 10]] as const) {
    it(`${name}: ${records} frame-section-only record(s) reported as missing_field`, () => {
      const { flows, report } = decodeFixtures(`${name}-template`, `${name}-data`);
      expect(flows).toHaveLength(0);
      expect(report).toMatchObject({ accepted: 0, rejected: records, buffered: 0 });
      expect(report.issues.map((i) => i.code)).toEqual(["missing_field"]);
    });
  }

  it("data before its template (fixture order reversed) waits, then decodes", () => {
    const { report } = decodeFixtures("ipfixprobe-data", "ipfixprobe-templates");
    expect(report).toMatchObject({ accepted: 4, buffered: 1, released: 4, rejected: 0 });
  });
});
