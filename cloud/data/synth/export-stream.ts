/** @module Flow batches → NetFlow v9 or IPFIX datagrams as one exporter's continuous stream (sequence numbers carried across batches, templates repeated each batch). */
import type { FlowRecord } from "../../../shared/flow/record.js";
import { encodeIpfixMessages } from "../../../edge/src/parsers/ipfix/encode.js";
import { encodeNetflowV9 } from "../../../edge/src/parsers/netflow-v9/encode.js";

export type ExportProtocol = "v9" | "ipfix";

export interface Datagram {
  /** the export time in the datagram's header, epoch ms */
  exportMs: number;
  bytes: Uint8Array;
}

export class ExportStream {
  private sequence = 0;

  /** @param uptimeBaseMs the v9 exporter's boot time (fixed for the stream, so uptimes stay consistent) */
  constructor(
    readonly protocol: ExportProtocol,
    private readonly uptimeBaseMs: number,
    private readonly domain = 0,
  ) {}

  /** The datagrams of one batch; the first carries the templates again (a collector may join mid-stream). */
  encode(flows: readonly FlowRecord[]): Datagram[] {
    if (flows.length === 0) return [];
    if (this.protocol === "v9") {
      const out = encodeNetflowV9(flows, { sourceId: this.domain, uptimeBaseMs: this.uptimeBaseMs, sequence: this.sequence, templates: true });
      this.sequence = (this.sequence + out.length) >>> 0;
      return out.map((bytes) => ({ bytes, exportMs: new DataView(bytes.buffer, bytes.byteOffset).getUint32(8) * 1000 }));
    }
    const enc = encodeIpfixMessages(flows, { domain: this.domain, sequence: this.sequence, templates: true });
    this.sequence = enc.nextSequence;
    return enc.messages.map((bytes) => ({ bytes, exportMs: new DataView(bytes.buffer, bytes.byteOffset).getUint32(4) * 1000 }));
  }
}
