// Test support: reads classic pcap files (Ethernet, raw IP, Linux cooked, BSD loopback) and yields their UDP datagrams.
import { readFileSync } from "node:fs";

export interface UdpDatagram {
  /** capture time, epoch ms */
  timeMs: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

/** UDP datagrams of a classic pcap file, in capture order. Non-UDP and fragmented packets are skipped. */
export function readPcapUdp(path: string): UdpDatagram[] {
  const buf = new Uint8Array(readFileSync(path));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  let little: boolean;
  let nanos = false;
  if (magic === 0xa1b2c3d4) little = true;
  else if (magic === 0xa1b23c4d) [little, nanos] = [true, true];
  else if (magic === 0xd4c3b2a1) little = false;
  else if (magic === 0x4d3cb2a1) [little, nanos] = [false, true];
  else throw new Error(`${path}: not a classic pcap file (magic ${magic.toString(16)})`);
  const linkType = dv.getUint32(20, little);
  const out: UdpDatagram[] = [];
  for (let off = 24; off + 16 <= buf.length; ) {
    const sec = dv.getUint32(off, little);
    const frac = dv.getUint32(off + 4, little);
    const capLen = dv.getUint32(off + 8, little);
    const data = buf.subarray(off + 16, off + 16 + capLen);
    off += 16 + capLen;
    const timeMs = sec * 1000 + (nanos ? frac / 1e6 : frac / 1e3);
    let ip = 0;
    let etherType = 0x0800;
    if (linkType === 1) {
      etherType = (data[12]! << 8) | data[13]!;
      ip = 14;
      while (etherType === 0x8100) {
        etherType = (data[ip + 2]! << 8) | data[ip + 3]!;
        ip += 4;
      }
    } else if (linkType === 113) {
      etherType = (data[14]! << 8) | data[15]!;
      ip = 16;
    } else if (linkType === 0 || linkType === 108) {
      ip = 4;
      etherType = (data[ip]! >> 4) === 6 ? 0x86dd : 0x0800;
    } else if (linkType !== 101) throw new Error(`${path}: unsupported link type ${linkType}`);
    const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let udp: number;
    let srcIp: string;
    let dstIp: string;
    if (etherType === 0x0800) {
      if (data[ip + 9] !== 17) continue;
      if ((d.getUint16(ip + 6) & 0x3fff) !== 0) continue; // fragment
      udp = ip + (data[ip]! & 0x0f) * 4;
      srcIp = Array.from(data.subarray(ip + 12, ip + 16)).join(".");
      dstIp = Array.from(data.subarray(ip + 16, ip + 20)).join(".");
    } else if (etherType === 0x86dd) {
      if (data[ip + 6] !== 17) continue;
      udp = ip + 40;
      const hex = (o: number) => Array.from({ length: 8 }, (_, i) => d.getUint16(o + 2 * i).toString(16)).join(":");
      srcIp = hex(ip + 8);
      dstIp = hex(ip + 24);
    } else continue;
    const udpLen = d.getUint16(udp + 4);
    out.push({
      timeMs,
      srcIp,
      dstIp,
      srcPort: d.getUint16(udp),
      dstPort: d.getUint16(udp + 2),
      payload: data.slice(udp + 8, udp + Math.min(udpLen, data.length - udp)),
    });
  }
  return out;
}
