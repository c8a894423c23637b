/** @module A classic-pcap reader for flow-export captures: the UDP datagrams (Ethernet, raw IP, Linux cooked, BSD loopback links), in capture order. */

/** A capture that cannot be read: not a classic pcap, an unsupported link type, or truncated headers. */
export class CaptureError extends Error {
  override readonly name = "CaptureError";
}

export interface UdpDatagram {
  /** capture time, epoch ms */
  timeMs: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

const LINK_ETHERNET = 1;
const LINK_NULL = 0;
const LINK_RAW = 101;
const LINK_LOOP = 108;
const LINK_LINUX_SLL = 113;

/**
 * The UDP datagrams of a classic pcap (`.pcap`, µs or ns timestamps, either byte order). Non-UDP
 * packets and IP fragments are skipped; a record cut short by the end of the file ends the read.
 * `name` (a file name) prefixes error messages.
 */
export function readPcapUdp(bytes: Uint8Array, name = "capture"): UdpDatagram[] {
  if (bytes.length < 24) throw new CaptureError(`${name}: not a pcap file (${bytes.length} bytes, shorter than the 24-byte pcap header)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0, true);
  let little: boolean;
  let nanos = false;
  if (magic === 0xa1b2c3d4) little = true;
  else if (magic === 0xa1b23c4d) [little, nanos] = [true, true];
  else if (magic === 0xd4c3b2a1) little = false;
  else if (magic === 0x4d3cb2a1) [little, nanos] = [false, true];
  else if (magic === 0x0a0d0d0a) throw new CaptureError(`${name}: a pcapng file; convert it to classic pcap (editcap -F pcap)`);
  else throw new CaptureError(`${name}: not a pcap file (magic 0x${magic.toString(16).padStart(8, "0")})`);
  const linkType = dv.getUint32(20, little);
  if (![LINK_ETHERNET, LINK_NULL, LINK_RAW, LINK_LOOP, LINK_LINUX_SLL].includes(linkType)) throw new CaptureError(`${name}: unsupported pcap link type ${linkType}`);
  const out: UdpDatagram[] = [];
  for (let off = 24; off + 16 <= bytes.length; ) {
    const sec = dv.getUint32(off, little);
    const frac = dv.getUint32(off + 4, little);
    const capLen = dv.getUint32(off + 8, little);
    if (off + 16 + capLen > bytes.length) break; // truncated last record
    const data = bytes.subarray(off + 16, off + 16 + capLen);
    off += 16 + capLen;
    const datagram = udpOf(data, linkType, sec * 1000 + (nanos ? frac / 1e6 : frac / 1e3));
    if (datagram !== null) out.push(datagram);
  }
  return out;
}

/** One link-layer frame's UDP datagram, or null when it is not (unfragmented) UDP over IPv4/IPv6. */
function udpOf(data: Uint8Array, linkType: number, timeMs: number): UdpDatagram | null {
  let ip = 0;
  let etherType = 0x0800;
  if (linkType === LINK_ETHERNET) {
    if (data.length < 14) return null;
    etherType = (data[12]! << 8) | data[13]!;
    ip = 14;
    while (etherType === 0x8100 && ip + 4 <= data.length) {
      etherType = (data[ip + 2]! << 8) | data[ip + 3]!;
      ip += 4;
    }
  } else if (linkType === LINK_LINUX_SLL) {
    if (data.length < 16) return null;
    etherType = (data[14]! << 8) | data[15]!;
    ip = 16;
  } else if (linkType === LINK_NULL || linkType === LINK_LOOP) {
    ip = 4;
    if (data.length <= ip) return null;
    etherType = data[ip]! >> 4 === 6 ? 0x86dd : 0x0800;
  } else {
    if (data.length < 1) return null;
    etherType = data[0]! >> 4 === 6 ? 0x86dd : 0x0800;
  }
  const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let udp: number;
  let srcIp: string;
  let dstIp: string;
  if (etherType === 0x0800) {
    if (ip + 20 > data.length || data[ip + 9] !== 17) return null;
    if ((d.getUint16(ip + 6) & 0x3fff) !== 0) return null; // a fragment
    udp = ip + (data[ip]! & 0x0f) * 4;
    srcIp = Array.from(data.subarray(ip + 12, ip + 16)).join(".");
    dstIp = Array.from(data.subarray(ip + 16, ip + 20)).join(".");
  } else if (etherType === 0x86dd) {
    if (ip + 40 > data.length || data[ip + 6] !== 17) return null;
    udp = ip + 40;
    const hex = (o: number) => Array.from({ length: 8 }, (_, i) => d.getUint16(o + 2 * i).toString(16)).join(":");
    srcIp = hex(ip + 8);
    dstIp = hex(ip + 24);
  } else return null;
  if (udp + 8 > data.length) return null;
  const udpLen = d.getUint16(udp + 4);
  return {
    timeMs,
    srcIp,
    dstIp,
    srcPort: d.getUint16(udp),
    dstPort: d.getUint16(udp + 2),
    payload: data.slice(udp + 8, udp + Math.min(Math.max(udpLen, 8), data.length - udp)),
  };
}
