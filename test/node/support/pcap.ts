// Test support: the UDP datagrams of a classic pcap file on disk, through the product reader in cloud/data/capture/pcap.ts.
import { readFileSync } from "node:fs";
import { readPcapUdp as readPcapBytes, type UdpDatagram } from "../../../cloud/data/capture/pcap.js";

export type { UdpDatagram };

/** UDP datagrams of a classic pcap file, in capture order. */
export function readPcapUdp(path: string): UdpDatagram[] {
  return readPcapBytes(new Uint8Array(readFileSync(path)), path);
}
