// Prints the single-core NetFlow v9 decode rate (records/s): the CIC SynFlood nfv9 export (417 datagrams, 13 122
// records) decoded in a loop into one reused FlowColumns. A script, not a test: `npx tsx test/node/parsers/netflow-v9.decode-rate.ts [seconds]`.
import { FlowColumns } from "../../../shared/flow/columns.js";
import { ExporterState } from "../../../edge/src/parsers/exporter-state.js";
import { netflowV5 } from "../../../edge/src/parsers/netflow-v5/parse.js";
import { encodeNetflowV5 } from "../../../edge/src/parsers/netflow-v5/encode.js";
import { netflowV9 } from "../../../edge/src/parsers/netflow-v9/parse.js";
import { emptyReport, type DatagramParser } from "../../../edge/src/parsers/types.js";
import { EXTERNAL_DATA } from "../support/nfdump-truth.js";
import { readPcapUdp } from "../support/pcap.js";

const seconds = Number(process.argv[2] ?? 3);

function rate(name: string, parser: DatagramParser, payloads: Uint8Array[]): void {
  const state = new ExporterState();
  const out = new FlowColumns(16384);
  const run = () => {
    out.clear();
    const report = emptyReport();
    for (const bytes of payloads) parser.parseDatagram({ exporter: "127.0.0.1", receivedAtMs: 0, bytes }, state, out, report);
    return report.accepted;
  };
  const perPass = run(); // primes the templates (and warms up the JIT)
  for (let i = 0; i < 20; i++) run();
  let records = 0;
  let passes = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    records += run();
    passes++;
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`${name}: ${perPass} records/pass, ${passes} passes in ${s.toFixed(2)} s → ${(records / s / 1e6).toFixed(2)} M records/s`);
}

const synflood = readPcapUdp(`${EXTERNAL_DATA}netflow-exports/softflowd/cic2019.CIC-DDoS-2019-SynFlood.nfv9.pcap`).map((d) => d.payload);
rate("netflow-v9 CIC SynFlood (softflowd, 4-byte fields)", netflowV9, synflood);
const pmacct = readPcapUdp(`${EXTERNAL_DATA}netflow-exports/pmacct/loopback.pmacct.nfv9.pcap`).map((d) => d.payload);
rate("netflow-v9 loopback (pmacct, 8-byte counters and ms times)", netflowV9, pmacct);
const t = Date.UTC(2024, 0, 1);
const v5 = encodeNetflowV5(
  Array.from({ length: 30_000 }, (_, i) => ({
    startMs: t + i,
    endMs: t + i + 500,
    src: `10.0.${(i >> 8) & 255}.${i & 255}`,
    dst: "192.0.2.1",
    srcPort: i & 0xffff,
    dstPort: 443,
    protocol: 6,
    tcpFlags: 2,
    packets: 1,
    bytes: 60,
    samplingRate: 1,
    exporterId: "",
  })),
);
rate("netflow-v5 (encoded, 30 records/datagram)", netflowV5, v5);
