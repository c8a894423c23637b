/** @module Classification of one flow into the catalogue's protocol, port and TCP-flag classes. */
import { PORT_OFFSET, PROTOCOL_OFFSET, TCP_FLAG_VALUES, TCP_FLAGS_OFFSET, BLOCK } from "./catalogue.js";

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;
export const PROTO_SCTP = 132;

/** Protocol class index: 0 icmp (ICMP and ICMPv6), 1 tcp, 2 udp, 3 other. */
export function protocolClass(protocol: number): number {
  if (protocol === PROTO_TCP) return 1;
  if (protocol === PROTO_UDP) return 2;
  if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) return 0;
  return 3;
}

/** Whether the protocol's flows carry transport ports (TCP, UDP, SCTP). Others count as port 0. */
export function carriesPorts(protocol: number): boolean {
  return protocol === PROTO_TCP || protocol === PROTO_UDP || protocol === PROTO_SCTP;
}

/**
 * Port class index of the port that faces the node (destination port inbound, source port outbound):
 * 0 port 0 (also every protocol without ports, and non-first IP fragments, which exporters report
 * with port 0), 1 port 53, 2 port 80, 3 port 123, 4 port 443, 5 other well-known (1–1023),
 * 6 registered (1024–49151), 7 private/ephemeral (49152–65535).
 */
export function portClass(port: number, protocol: number): number {
  if (port === 0 || !carriesPorts(protocol)) return 0;
  if (port === 53) return 1;
  if (port === 80) return 2;
  if (port === 123) return 3;
  if (port === 443) return 4;
  if (port < 1024) return 5;
  if (port < 49152) return 6;
  return 7;
}

/**
 * TCP flags byte → index into the 8 flag features, or -1. ECE and CWR (0x40, 0x80: ECN signalling,
 * not connection state) are ignored, so an ECN-capable SYN (0xC2) counts as SYN (2).
 */
const FLAG_INDEX: Int8Array = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let byte = 0; byte < 256; byte++) table[byte] = TCP_FLAG_VALUES.indexOf((byte & 0x3f) as (typeof TCP_FLAG_VALUES)[number]);
  return table;
})();

export function tcpFlagIndex(flags: number): number {
  return FLAG_INDEX[flags & 255]!;
}

/** Offsets of the (direction × type) block of a protocol class and of a port class. */
export const protocolBlockOffset = (cls: number): number => PROTOCOL_OFFSET + cls * BLOCK;
export const portBlockOffset = (cls: number): number => PORT_OFFSET + cls * BLOCK;
export const tcpFlagFeature = (index: number): number => TCP_FLAGS_OFFSET + index;
