// NetFlow v5 conformance: every v5 export pcap (softflowd, pmacct) decoded in order and compared field by field with
// nfdump's ground truth and with tshark's cflow decode; akvorado's real-device v5 capture against hand-checked values.
import { describe, expect, it } from "vitest";
import { netflowV5 } from "../../../edge/src/parsers/netflow-v5/parse.js";
import { addressMatches, HAVE_EXTERNAL_DATA, NO_EXTERNAL_DATA } from "../support/nfdump-truth.js";
import {
  abbreviatedMatches,
  AKVORADO,
  decodePcaps,
  EXPORTS,
  matchMultisets,
  readExactTotals,
  readTruthRows,
  readTshark,
  totals,
  type DecodedFlow,
  type TruthRow,
} from "./netflow-v5-v9.support.js";

const skipNote = HAVE_EXTERNAL_DATA ? "" : ` (${NO_EXTERNAL_DATA})`;

/**
 * The v5 exports and the nfdump rows that differ from our decode for a known reason:
 * - `abbreviated`: nfdump's `fmt:` output prints large byte counts abbreviated ("1.9M" for 1 906 321); those rows
 *   are matched by the printed precision, and the exact totals come from the same run's `-o csv` file.
 */
const V5_EXPORTS = [
  { file: "softflowd/loopback.softflowd.nfv5", abbreviated: 1 },
  { file: "pmacct/loopback.pmacct.nfv5", abbreviated: 1 },
];

const bucket = (f: { protocol: number; srcPort: number; packets: number; tcpFlags: number }) => `${f.protocol}/${f.srcPort}/${f.packets}/${f.tcpFlags}`;

describe.skipIf(!HAVE_EXTERNAL_DATA)(`netflow-v5 conformance with nfdump and tshark${skipNote}`, () => {
  for (const { file, abbreviated } of V5_EXPORTS) {
    const base = file.split("/")[1]!;

    it(`${base}: every record equals nfdump's (times to the ms, addresses, ports, flags, counters); totals are exact`, () => {
      const ours = decodePcaps([`${EXPORTS}${file}.pcap`], netflowV5);
      expect(ours.report.rejected).toBe(0);
      const truth = readTruthRows(base);
      let abbreviatedSeen = 0;
      const same = (t: TruthRow, o: DecodedFlow) => {
        const bytesOk = t.bytes === o.bytes || (Number.isNaN(t.bytes) && abbreviatedMatches(t.bytesText, o.bytes));
        return (
          bytesOk &&
          t.startMs === o.startMs &&
          t.endMs === o.endMs &&
          addressMatches(t.src, o.src) &&
          addressMatches(t.dst, o.dst) &&
          t.srcPort === o.srcPort &&
          t.dstPort === o.dstPort
        );
      };
      const { pairs, truthLeft, oursLeft } = matchMultisets(truth, ours.flows, bucket, bucket, same);
      expect(truthLeft).toEqual([]);
      expect(oursLeft).toEqual([]);
      for (const [t] of pairs) if (Number.isNaN(t.bytes)) abbreviatedSeen++;
      expect(abbreviatedSeen).toBe(abbreviated);
      expect(totals(ours.flows)).toEqual(readExactTotals(base));
      expect(ours.flows.every((f) => f.samplingRate === 1)).toBe(true);
    });
  }

  it("loopback.softflowd.nfv5: each datagram decodes to exactly tshark's records, in order", () => {
    const ours = decodePcaps([`${EXPORTS}softflowd/loopback.softflowd.nfv5.pcap`], netflowV5);
    const packets = readTshark("loopback.softflowd.nfv5.tshark.json.gz");
    expect(packets).toHaveLength(ours.datagrams.length);
    let n = 0;
    packets.forEach((p, i) => {
      const mine = ours.flows.filter((f) => f.datagram === i);
      const exportMs = p.unixSecs * 1000 + Math.floor(p.unixNsecs / 1e6);
      expect(mine.map(({ datagram: _d, exporterId: _e, samplingRate: _s, ...f }) => f)).toEqual(
        p.flows.map((t) => ({
          startMs: exportMs - (p.sysUptimeMs - t.firstUptimeMs),
          endMs: exportMs - (p.sysUptimeMs - t.lastUptimeMs),
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
    });
    expect(n).toBe(1321);
  });
});

describe.skipIf(!HAVE_EXTERNAL_DATA)(`netflow-v5 on akvorado's real-device capture (hand-checked values)${skipNote}`, () => {
  it("nfv5.pcap: 29 records; first and last as decoded by hand from the bytes", () => {
    // Header: count 29, sysUptime 2 874 339 000, unix_secs 1 680 626 679, unix_nsecs 0, sampling 0.
    const { flows, report } = decodePcaps([`${AKVORADO}nfv5.pcap`], netflowV5);
    expect(report).toMatchObject({ accepted: 29, rejected: 0 });
    const exportMs = 1_680_626_679_000;
    expect(flows[0]).toMatchObject({
      src: "161.202.212.212",
      dst: "202.152.70.24",
      srcPort: 30104,
      dstPort: 11963,
      protocol: 6,
      tcpFlags: 0x18,
      packets: 1,
      bytes: 133,
      startMs: exportMs - 15_000,
      endMs: exportMs - 15_000,
      samplingRate: 1,
    });
    expect(flows[1]).toMatchObject({ src: "173.194.4.8", dst: "202.160.21.5", srcPort: 443, dstPort: 37422, packets: 7, bytes: 10262, startMs: exportMs - 24_000, endMs: exportMs - 15_000 });
    expect(flows[28]).toMatchObject({ src: "157.240.211.205", dst: "202.93.210.203", packets: 6, bytes: 7462, startMs: exportMs - 37_000 });
    expect(totals(flows)).toEqual({ flows: 29, packets: 78, bytes: 88345 });
  });
});
