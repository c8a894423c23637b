/** @module Output formats: flow batches → NDJSON, nfdump CSV, goflow2 JSON, or v9/IPFIX export datagrams in a pcap, written to a byte sink. */
import type { FlowRecord } from "../../../shared/flow/record.js";
import { encodeFlowJson } from "../../../edge/src/parsers/json/encode.js";
import { encodeNfdumpCsv } from "../../../edge/src/parsers/nfdump-csv/encode.js";
import { ExportStream, type ExportProtocol } from "./export-stream.js";
import { pcapGlobalHeader, pcapUdpRecord } from "./pcap.js";
import type { ByteSink } from "./sink.js";

export const FILE_FORMATS = ["ndjson", "csv", "flow-json", "v9-pcap", "ipfix-pcap"] as const;
export const UDP_FORMATS = ["v9-udp", "ipfix-udp"] as const;
export const FORMATS = [...FILE_FORMATS, ...UDP_FORMATS] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];
export type Format = (typeof FORMATS)[number];

export interface FlowWriter {
  write(flows: readonly FlowRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** Collector port by protocol: 2055 for NetFlow v9, 4739 for IPFIX. */
export const COLLECTOR_PORT: Record<ExportProtocol, number> = { v9: 2055, ipfix: 4739 };

export interface PcapOptions {
  /** the exporter's address (IPv4), the packets' source */
  exporterIp: string;
  collectorIp?: string;
  /** v9 boot time, epoch ms */
  uptimeBaseMs: number;
}

function textWriter(sink: ByteSink, encode: (flows: readonly FlowRecord[], first: boolean) => string): FlowWriter {
  let first = true;
  return {
    async write(flows) {
      const text = encode(flows, first);
      first = false;
      if (text.length > 0) await sink.write(text);
    },
    close: () => sink.close(),
  };
}

function pcapWriter(sink: ByteSink, protocol: ExportProtocol, o: PcapOptions): FlowWriter {
  const stream = new ExportStream(protocol, o.uptimeBaseMs);
  const ends = { srcIp: o.exporterIp, dstIp: o.collectorIp ?? "192.0.2.250", srcPort: 50_000, dstPort: COLLECTOR_PORT[protocol] };
  let started = false;
  let ipId = 0;
  return {
    async write(flows) {
      if (!started) {
        await sink.write(pcapGlobalHeader());
        started = true;
      }
      const records = stream.encode(flows).map((d) => pcapUdpRecord(d.exportMs, ends, d.bytes, ipId++));
      if (records.length > 0) await sink.write(Buffer.concat(records));
    },
    async close() {
      if (!started) await sink.write(pcapGlobalHeader());
      await sink.close();
    },
  };
}

export function createFileWriter(format: FileFormat, sink: ByteSink, pcap: PcapOptions): FlowWriter {
  switch (format) {
    case "ndjson":
      return textWriter(sink, (flows) => encodeFlowJson(flows, { format: "ndjson-native" }));
    case "flow-json":
      return textWriter(sink, (flows) => encodeFlowJson(flows, { format: "goflow2" }));
    case "csv":
      // the encoder writes its header every call; keep only the first one
      return textWriter(sink, (flows, first) => {
        const text = encodeNfdumpCsv(flows);
        return first ? text : text.slice(text.indexOf("\n") + 1);
      });
    case "v9-pcap":
      return pcapWriter(sink, "v9", pcap);
    case "ipfix-pcap":
      return pcapWriter(sink, "ipfix", pcap);
  }
}
