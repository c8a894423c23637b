/** @module Rough single-core IPFIX decode rate on the CIC SynFlood softflowd export (a script, not a test): npx tsx test/node/parsers/ipfix-bench.ts [seconds] */
import { FlowColumns } from "../../../shared/flow/columns.js";
import { ExporterState } from "../../../edge/src/parsers/exporter-state.js";
import { ipfix } from "../../../edge/src/parsers/ipfix/parse.js";
import { emptyReport } from "../../../edge/src/parsers/types.js";
import { EXTERNAL_DATA } from "../support/nfdump-truth.js";
import { readPcapUdp } from "../support/pcap.js";

const seconds = Number(process.argv[2] ?? 3);
const datagrams = readPcapUdp(`${EXTERNAL_DATA}netflow-exports/softflowd/cic2019.CIC-DDoS-2019-SynFlood.ipfix.pcap`);
const out = new FlowColumns(16384);
const state = new ExporterState();

function pass(): number {
  out.clear();
  const report = emptyReport();
  for (const d of datagrams) ipfix.parseDatagram({ exporter: d.srcIp, receivedAtMs: d.timeMs, bytes: d.payload }, state, out, report);
  if (report.rejected !== 0) throw new Error(JSON.stringify(report.issues));
  return report.accepted;
}

for (let i = 0; i < 50; i++) pass(); // warm up the JIT
let records = 0;
let passes = 0;
const cpuStart = process.cpuUsage();
const started = performance.now();
while (performance.now() - started < seconds * 1000) {
  records += pass();
  passes++;
}
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
// CPU time, not wall time: on a shared machine the process is often descheduled.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const bytes = datagrams.reduce((n, d) => n + d.payload.length, 0) * passes;
console.log(
  `${passes} passes, ${records} records in ${cpuSeconds.toFixed(2)} s CPU (${elapsed.toFixed(2)} s wall): ` +
    `${(records / cpuSeconds / 1e6).toFixed(2)} M records/s per core, ${(bytes / cpuSeconds / 1e6).toFixed(0)} MB/s of IPFIX`,
);
