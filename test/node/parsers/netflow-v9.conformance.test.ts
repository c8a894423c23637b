// NetFlow v9 conformance: every v9 export pcap (softflowd, pmacct) decoded in order and compared field by field with
// nfdump's ground truth, with the IPFIX exports' ms-exact truth, and with tshark's cflow decode; akvorado's
// real-device v9 captures (templates, options, sampling, ICMP, NAT) against hand-checked values.
import { describe, expect, it } from "vitest";
import { netflowV9 } from "../../../edge/src/parsers/netflow-v9/parse.js";
import { addressMatches, HAVE_EXTERNAL_DATA, NO_EXTERNAL_DATA, type TruthFlow } from "../support/nfdump-truth.js";
import {
  abbreviatedMatches,
  AKVORADO,
  bootMs,
  decodePcaps,
  EXPORTS,
  matchMultisets,
  readExactTotals,
  readTruthRows,
  readTshark,
  totals,
  type DecodedExport,
  type DecodedFlow,
  type TruthRow,
} from "./netflow-v5-v9.support.js";

const skipNote = HAVE_EXTERNAL_DATA ? "" : ` (${NO_EXTERNAL_DATA})`;

/**
 * Every v9 export, with the count of nfdump rows that differ from our decode for each known reason:
 * - `firstSwitchedZero`: nfdump 1.7.1 prints a record whose FIRST_SWITCHED and LAST_SWITCHED are both 0 (a
 *   one-packet flow at the exporter's uptime 0, which softflowd -r sets to the capture's first packet) as
 *   1970-01-01 00:00:00.000 for both ends. We decode it to the boot instant (unix_secs·1000 − sysUptime of its
 *   datagram), which the test checks. (With LAST_SWITCHED > 0 nfdump gets FIRST_SWITCHED 0 right: loopback has two.)
 * - `icmpPortZero`: pmacct's v9 template has no ICMP_TYPE (32) field and carries ICMP type·256 + code in
 *   L4_DST_PORT (3.3 → 771, as its v5 and IPFIX exports, which nfdump prints as 3.3); nfdump's v9 decoder takes
 *   ICMP type/code only from ICMP_TYPE and prints 0.0. We keep 771.
 * - `abbreviated`: nfdump prints large byte counts abbreviated ("1.9M"); matched by the printed precision, and
 *   the exact totals come from the same run's `-o csv` file.
 * - IPv6 addresses nfdump shortens in the middle (`2a01:4f..dd:9898`) are compared with addressMatches.
 * `ipfix` names the IPFIX export of the same source pcap (ms-exact times), used for the 1 s offset check.
 */
const V9_EXPORTS = [
  { file: "softflowd/cic2019.CIC-DDoS-2019-SynFlood.nfv9", firstSwitchedZero: 18, ipfix: "cic2019.CIC-DDoS-2019-SynFlood.ipfix" },
  { file: "softflowd/cic2019.CIC-DDoS-2019-WebDDoS.nfv9", ipfix: "cic2019.CIC-DDoS-2019-WebDDoS.ipfix" },
  { file: "softflowd/loopback.softflowd.nfv9", abbreviated: 1, ipfix: "loopback.softflowd.ipfix-absms" },
  { file: "softflowd/stopddos.amp.TCP.reflection.SYNACK.nfv9", firstSwitchedZero: 74, ipfix: "stopddos.amp.TCP.reflection.SYNACK.ipfix" },
  { file: "softflowd/stopddos.amp.TCP.syn.optionallyACK.optionallysamePort.nfv9", firstSwitchedZero: 1, ipfix: "stopddos.amp.TCP.syn.optionallyACK.optionallysamePort.ipfix" },
  { file: "softflowd/stopddos.amp.UDP.bacnet.IOT.37810.nfv9", firstSwitchedZero: 182, ipfix: "stopddos.amp.UDP.bacnet.IOT.37810.ipfix" },
  { file: "softflowd/stopddos.amp.UDP.isakmp.nfv9", firstSwitchedZero: 5, ipfix: "stopddos.amp.UDP.isakmp.ipfix" },
  { file: "softflowd/stopddos.amp.UDP.snmp.src161.nfv9", firstSwitchedZero: 170, ipfix: "stopddos.amp.UDP.snmp.src161.ipfix" },
  { file: "softflowd/stopddos.amp.dns.RRSIG.fragmented.nfv9", firstSwitchedZero: 2, ipfix: "stopddos.amp.dns.RRSIG.fragmented.ipfix" },
  { file: "softflowd/stopddos.pkt.TCP.DOMINATE.syn.ecn.cwr.nfv9", firstSwitchedZero: 1, ipfix: "stopddos.pkt.TCP.DOMINATE.syn.ecn.cwr.ipfix" },
  { file: "softflowd/stopddos.pkt.TCP.synflood.spoofed.nfv9", firstSwitchedZero: 2, ipfix: "stopddos.pkt.TCP.synflood.spoofed.ipfix" },
  { file: "softflowd/tcpreplay.test.nfv9", ipfix: "tcpreplay.test.ipfix" },
  { file: "pmacct/loopback.pmacct.nfv9", abbreviated: 1, icmpPortZero: 1, ipfix: "loopback.pmacct.ipfix" },
  { file: "pmacct/stopddos.amp.dns.RRSIG.fragmented.pmacct.nfv9", icmpPortZero: 6 },
];

const isIcmp = (protocol: number) => protocol === 1 || protocol === 58;
/** Fields no known difference touches. */
const bucket = (f: { protocol: number; srcPort: number; dstPort: number; packets: number; tcpFlags: number }) =>
  `${f.protocol}/${f.srcPort}/${isIcmp(f.protocol) ? "icmp" : f.dstPort}/${f.packets}/${f.tcpFlags}`;
const bytesMatch = (t: TruthRow, o: DecodedFlow) => t.bytes === o.bytes || (Number.isNaN(t.bytes) && abbreviatedMatches(t.bytesText, o.bytes));

const decoded = new Map<string, DecodedExport>();
function decode(file: string): DecodedExport {
  let d = decoded.get(file);
  if (d === undefined) decoded.set(file, (d = decodePcaps([`${EXPORTS}${file}.pcap`], netflowV9)));
  return d;
}

describe.skipIf(!HAVE_EXTERNAL_DATA)(`netflow-v9 conformance with nfdump, IPFIX truth and tshark${skipNote}`, () => {
  for (const { file, firstSwitchedZero = 0, icmpPortZero = 0, abbreviated = 0, ipfix } of V9_EXPORTS) {
    const base = file.split("/")[1]!;

    it(`${base}: every record equals nfdump's, apart from the listed nfdump quirks; totals are exact`, () => {
      const ours = decode(file);
      expect(ours.report).toMatchObject({ rejected: 0, buffered: 0 });
      const seen = { firstSwitchedZero: 0, icmpPortZero: 0, abbreviated: 0 };
      const timeOk = (truth: number, mine: number, o: DecodedFlow) => truth === mine || (truth === 0 && mine === bootMs(ours.datagrams[o.datagram]!.payload));
      const same = (t: TruthRow, o: DecodedFlow) =>
        addressMatches(t.src, o.src) &&
        addressMatches(t.dst, o.dst) &&
        (t.dstPort === o.dstPort || (o.protocol === 1 && t.dstPort === 0 && file.startsWith("pmacct/"))) &&
        bytesMatch(t, o) &&
        timeOk(t.startMs, o.startMs, o) &&
        timeOk(t.endMs, o.endMs, o);
      const { pairs, truthLeft, oursLeft } = matchMultisets(readTruthRows(base), ours.flows, bucket, bucket, same);
      expect(truthLeft).toEqual([]);
      expect(oursLeft).toEqual([]);
      for (const [t, o] of pairs) {
        if (t.startMs === 0) seen.firstSwitchedZero++;
        if (t.dstPort !== o.dstPort) seen.icmpPortZero++;
        if (Number.isNaN(t.bytes)) seen.abbreviated++;
      }
      expect(seen).toEqual({ firstSwitchedZero, icmpPortZero, abbreviated });
      expect(totals(ours.flows)).toEqual(readExactTotals(base));
      expect(ours.flows.every((f) => f.samplingRate === 1)).toBe(true); // softflowd's options say interval 1
    });

    if (ipfix !== undefined) {
      it(`${base}: times are at most 1 s before the IPFIX export's ms-exact truth, by one offset per datagram`, () => {
        // v9's header has whole seconds (unix_secs) but sysUptime in ms, so an uptime-based time is early by
        // the sub-second part of the export instant; every record of a datagram shares it. The ms truth of the
        // IPFIX export rounds to whole ms, hence ±1 ms within a datagram. pmacct's v9 sends absolute ms fields
        // (152/153): offset 0.
        const ours = decode(file);
        const truth = readTruthRows(ipfix);
        const offset = (t: TruthFlow, o: DecodedFlow) => t.startMs - o.startMs;
        const same = (t: TruthRow, o: DecodedFlow) =>
          addressMatches(t.src, o.src) &&
          addressMatches(t.dst, o.dst) &&
          t.dstPort === o.dstPort &&
          bytesMatch(t, o) &&
          offset(t, o) >= 0 &&
          offset(t, o) < 1000 &&
          Math.abs(t.endMs - o.endMs - offset(t, o)) <= 1;
        const { pairs, truthLeft, oursLeft } = matchMultisets(truth, ours.flows, bucket, bucket, same, offset);
        expect(truthLeft).toEqual([]);
        expect(oursLeft).toEqual([]);
        const perDatagram = new Map<number, number[]>();
        for (const [t, o] of pairs) perDatagram.set(o.datagram, [...(perDatagram.get(o.datagram) ?? []), offset(t, o)]);
        for (const offsets of perDatagram.values()) expect(Math.max(...offsets) - Math.min(...offsets)).toBeLessThanOrEqual(1);
        if (file.startsWith("pmacct/")) expect(pairs.every(([t, o]) => offset(t, o) === 0)).toBe(true);
      });
    }
  }

  it("loopback.softflowd.nfv9: each datagram decodes to exactly tshark's data records, in order", () => {
    // tshark shows a FIRST_SWITCHED of 0 as the absolute time 1970-01-01 (cflow.abstimestart), not as uptime 0;
    // readTshark maps it back to 0, and the two such records are counted.
    const ours = decode("softflowd/loopback.softflowd.nfv9");
    const packets = readTshark("loopback.softflowd.nfv9.tshark.json.gz");
    expect(packets).toHaveLength(ours.datagrams.length);
    let n = 0;
    let zeroShownAs1970 = 0;
    packets.forEach((p, i) => {
      const mine = ours.flows.filter((f) => f.datagram === i);
      expect(mine.map(({ datagram: _d, exporterId: _e, samplingRate: _s, ...f }) => f)).toEqual(
        p.flows.map((t) => ({
          startMs: p.unixSecs * 1000 - (p.sysUptimeMs - t.firstUptimeMs),
          endMs: p.unixSecs * 1000 - (p.sysUptimeMs - t.lastUptimeMs),
          src: t.src,
          dst: t.dst,
          srcPort: t.srcPort,
          dstPort: t.dstPort,
          protocol: t.protocol,
          tcpFlags: t.tcpFlags,
          packets: t.packets,
          bytes: t.bytes,
        })),
      );
      n += p.flows.length;
      zeroShownAs1970 += p.flows.filter((t) => t.zeroShownAs1970).length;
    });
    expect(n).toBe(1321);
    expect(zeroShownAs1970).toBe(2);
  });
});

describe.skipIf(!HAVE_EXTERNAL_DATA)(`netflow-v9 on akvorado's real-device captures (hand-checked values)${skipNote}`, () => {
  const pcaps = (...names: string[]) => decodePcaps(names.map((n) => `${AKVORADO}${n}.pcap`), netflowV9);

  it("options template + options data (sampler 1 = 1 in 30 000), then template + data: 4 flows sampled 1:30 000", () => {
    const { flows, report } = pcaps("options-template", "options-data", "template", "data");
    expect(report).toMatchObject({ accepted: 4, rejected: 0, buffered: 0 });
    expect(flows.map((f) => f.samplingRate)).toEqual([30000, 30000, 30000, 30000]);
    expect(flows[0]).toMatchObject({ src: "198.38.121.178", dst: "91.170.143.87", srcPort: 443, dstPort: 19624, protocol: 6, tcpFlags: 16, packets: 1, bytes: 1500, startMs: 1647285925050, endMs: 1647285925050 });
    expect(flows[3]).toMatchObject({ src: "74.125.100.234", dst: "88.120.219.117", dstPort: 52300, bytes: 1448, startMs: 1647285925052 });
    expect(totals(flows)).toEqual({ flows: 4, packets: 4, bytes: 5848 });
  });

  it("data+templates: data before its template in one datagram is buffered and released; options set the default rate 100", () => {
    // source id 17170432; flowsets: data 257 (11 records), options template 256 (scope System of length 0,
    // SAMPLING_ALGORITHM, SAMPLING_INTERVAL), options data (interval 100, then 3 bytes of padding), template 257,
    // data 257 (10 records).
    const { flows, report } = pcaps("data+templates");
    expect(report).toMatchObject({ accepted: 21, rejected: 0, buffered: 1, released: 11 });
    expect(flows.every((f) => f.samplingRate === 100)).toBe(true);
    expect(flows[0]).toMatchObject({ src: "120.120.28.238", dst: "120.120.244.112", srcPort: 63308, dstPort: 31424, protocol: 17, packets: 1, bytes: 48, startMs: 1684085310480 });
    expect(flows[10]).toMatchObject({ src: "120.120.5.4", dst: "120.120.135.169", srcPort: 53595, dstPort: 1, tcpFlags: 2 });
    expect(flows[11]).toMatchObject({ src: "120.120.180.202", dst: "120.120.147.170", srcPort: 443, dstPort: 53744, tcpFlags: 24, bytes: 436, startMs: 1684085312470 });
    expect(totals(flows)).toEqual({ flows: 21, packets: 66, bytes: 58329 });
  });

  it("samplingrate: SAMPLING_INTERVAL inside the data records gives 1:2048", () => {
    const { flows, report } = pcaps("samplingrate-template", "samplingrate-data");
    expect(report).toMatchObject({ accepted: 6, rejected: 0 });
    expect(flows.map((f) => f.samplingRate)).toEqual(new Array(6).fill(2048));
    expect(flows[0]).toMatchObject({ src: "232.131.215.65", dst: "142.183.180.65", srcPort: 13245, dstPort: 10907, protocol: 6, packets: 1, bytes: 160, startMs: 1691746198012 });
    expect(flows.map((f) => f.startMs - 1691746198000)).toEqual([12, 212, 352, 473, 637, 771]);
  });

  it("multiplesamplingrates: FLOW_SAMPLER_ID 1 → 2000 and 2 → 4000 from options data, per record", () => {
    const { flows, report } = pcaps("multiplesamplingrates-options-template", "multiplesamplingrates-options-data", "multiplesamplingrates-template", "multiplesamplingrates-data");
    expect(report).toMatchObject({ accepted: 12, rejected: 0 });
    expect(flows.map((f) => f.samplingRate)).toEqual([4000, ...new Array(11).fill(2000)]);
    expect(flows[0]).toMatchObject({ src: "ffff::68", dst: "ffff::1a", srcPort: 443, dstPort: 52616, protocol: 6, tcpFlags: 16, packets: 18, bytes: 1348, startMs: 1701360969980, endMs: 1701360974891 });
    expect(flows[1]).toMatchObject({ src: "ffff::5a", dst: "ffff::f", srcPort: 2121, dstPort: 2121, protocol: 17, packets: 4, bytes: 579 });
    expect(totals(flows)).toEqual({ flows: 12, packets: 38, bytes: 14818 });
  });

  it("icmp: 64-bit counters, flowStart/EndMilliseconds, ICMP type·256 + code in L4_DST_PORT (v6 and v4)", () => {
    const { flows, report } = pcaps("icmp-template", "icmp-data");
    expect(report).toMatchObject({ accepted: 4, rejected: 0 });
    expect(flows.map((f) => [f.src, f.dst, f.protocol, f.dstPort, f.packets, f.bytes, f.startMs])).toEqual([
      ["2001:db8::", "2001:db8::1", 58, 128 * 256, 1, 104, 1685867993216], // echo request
      ["2001:db8::1", "2001:db8::", 58, 129 * 256, 1, 104, 1685867993216], // echo reply
      ["203.0.113.4", "203.0.113.5", 1, 8 * 256, 1, 84, 1685867995034], // echo request
      ["203.0.113.5", "203.0.113.4", 1, 0, 1, 84, 1685867995034], // echo reply (type 0 code 0)
    ]);
  });

  it("nat: NAT event records carry no packet or byte counters, so they are missing_field (templates still stored)", () => {
    const { flows, report } = pcaps("nat");
    expect(flows).toEqual([]);
    expect(report).toMatchObject({ accepted: 0, rejected: 9 });
    expect(report.issues.map((i) => i.code)).toEqual(["missing_field"]);
  });
});
