/** @module Flows of a flow-export capture: a pcap of NetFlow v5/v9/IPFIX datagrams decoded by our own parsers (one ExporterState per exporter address) into FlowRecords sorted by start. */
import { readFileSync } from "node:fs";
import { columnsToRecords, FlowColumns } from "../../../shared/flow/columns.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { ExporterState } from "../../../edge/src/parsers/exporter-state.js";
import { datagramParserFor } from "../../../edge/src/parsers/registry.js";
import { emptyReport, type ParseReport } from "../../../edge/src/parsers/types.js";
import { CaptureError, readPcapUdp } from "./pcap.js";

export { CaptureError } from "./pcap.js";

export interface CaptureFlows {
  /** decoded flows, sorted by startMs (stable: ties keep export order); exporterId = `ADDR/0` of the datagram's source */
  flows: FlowRecord[];
  /** UDP datagrams read, and those whose version field is not 5, 9 or 10 (skipped) */
  datagrams: number;
  skipped: number;
  /** the parsers' combined report */
  report: ParseReport;
}

/** Decodes the export datagrams of a pcap held in memory. Throws CaptureError when it is not a pcap or holds no flows. */
export function decodeExportPcap(bytes: Uint8Array, name = "capture"): CaptureFlows {
  const datagrams = readPcapUdp(bytes, name);
  const states = new Map<string, ExporterState>();
  const report = emptyReport();
  const flows: FlowRecord[] = [];
  const cols = new FlowColumns(256);
  let skipped = 0;
  for (const d of datagrams) {
    const parser = datagramParserFor(d.payload);
    if (parser === null) {
      skipped++;
      continue;
    }
    let state = states.get(d.srcIp);
    if (state === undefined) states.set(d.srcIp, (state = new ExporterState()));
    cols.clear();
    parser.parseDatagram({ exporter: d.srcIp, receivedAtMs: d.timeMs, bytes: d.payload }, state, cols, report);
    for (const flow of columnsToRecords(cols, `${d.srcIp}/0`)) flows.push(flow);
  }
  if (flows.length === 0) {
    const why = datagrams.length === 0 ? "no UDP datagrams" : skipped === datagrams.length ? `${datagrams.length} UDP datagrams, none NetFlow v5/v9 or IPFIX` : `${datagrams.length - skipped} export datagrams decoded to no flows${report.issues[0] ? ` (${report.issues[0].message})` : ""}`;
    throw new CaptureError(`${name}: no flows in the capture: ${why}`);
  }
  flows.sort((a, b) => a.startMs - b.startMs);
  return { flows, datagrams: datagrams.length, skipped, report };
}

/** Reads an export pcap file. Throws CaptureError for a missing or unreadable file, a non-pcap, or a capture without flows. */
export function readExportPcap(path: string): CaptureFlows {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CaptureError(e.code === "ENOENT" ? `${path}: no such capture file` : e.code === "EISDIR" ? `${path}: a directory, not a capture file` : `${path}: cannot read: ${e.message}`);
  }
  return decodeExportPcap(bytes, path);
}
