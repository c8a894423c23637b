/** @module A small classic-pcap writer (link type 1, Ethernet/IPv4/UDP) for export datagrams, so collectors and tshark can read simulator output. */

export const PCAP_GLOBAL_HEADER_BYTES = 24;
const ETH = 14;
const IP = 20;
const UDP_HEADER = 8;

/** The 24-byte global header: magic a1b2c3d4 (µs), version 2.4, snaplen 65535, Ethernet. */
export function pcapGlobalHeader(): Uint8Array {
  const b = new Uint8Array(PCAP_GLOBAL_HEADER_BYTES);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 65535, true);
  v.setUint32(20, 1, true);
  return b;
}

function ipv4Bytes(text: string): number[] {
  const parts = text.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`not an IPv4 address: ${text}`);
  return parts;
}

export interface UdpEndpoints {
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
}

/** One pcap record: header (time in µs) + Ethernet + IPv4 (with checksum) + UDP (checksum 0) + payload. */
export function pcapUdpRecord(timeMs: number, ends: UdpEndpoints, payload: Uint8Array, ipId = 0): Uint8Array {
  const frame = ETH + IP + UDP_HEADER + payload.length;
  if (IP + UDP_HEADER + payload.length > 65535) throw new RangeError(`datagram of ${payload.length} bytes is too large for one IPv4 packet`);
  const b = new Uint8Array(16 + frame);
  const v = new DataView(b.buffer);
  const us = Math.round(timeMs * 1000);
  v.setUint32(0, Math.floor(us / 1e6), true);
  v.setUint32(4, us % 1e6, true);
  v.setUint32(8, frame, true);
  v.setUint32(12, frame, true);
  const e = 16;
  b.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01], e); // locally administered MACs: dst, src
  v.setUint16(e + 12, 0x0800);
  const ip = e + ETH;
  b[ip] = 0x45;
  v.setUint16(ip + 2, IP + UDP_HEADER + payload.length);
  v.setUint16(ip + 4, ipId & 0xffff);
  b[ip + 8] = 64; // TTL
  b[ip + 9] = 17;
  b.set(ipv4Bytes(ends.srcIp), ip + 12);
  b.set(ipv4Bytes(ends.dstIp), ip + 16);
  let sum = 0;
  for (let i = 0; i < IP; i += 2) sum += v.getUint16(ip + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  v.setUint16(ip + 10, ~sum & 0xffff);
  const udp = ip + IP;
  v.setUint16(udp, ends.srcPort);
  v.setUint16(udp + 2, ends.dstPort);
  v.setUint16(udp + 4, UDP_HEADER + payload.length);
  b.set(payload, udp + UDP_HEADER);
  return b;
}
