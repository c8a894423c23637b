/** @module The FastNetMon-style per-host rates the static-threshold baseline watches: inbound packets/s, bits/s and flows/s in total and per protocol (UDP, TCP, ICMP), and a TCP-SYN proxy, from a window's raw per-minute counters. */
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";

/**
 * FastNetMon bans a host when one of its inbound rates exceeds a threshold: threshold_pps / _mbps /
 * _flows for all traffic, and the same per protocol (tcp, udp, icmp, tcp_syn). Our counters are per
 * minute, so a rate is the minute's counter / 60 (bits: bytes·8/60): the rate averaged over the
 * minute, where FastNetMon averages over a few seconds (a minute smooths short bursts).
 *
 * TCP SYN: the catalogue has no inbound SYN counter (the TCP-flag features count OUTBOUND flows by
 * flag byte). The victim of a SYN flood answers with SYN-ACKs, so `tcpflags_18_out_flow` (outbound
 * SYN-ACK flows) stands in for inbound SYNs, as flows/s only. It also counts the victim's SYN-ACKs
 * to genuine clients, so it grows with legitimate connection load too.
 */
export interface RateDef {
  readonly name: string;
  readonly feature: string;
  /** rate = counter · scale (per minute → per second; bytes → bits) */
  readonly scale: number;
}

const PER_S = 1 / 60;
const BITS_PER_S = 8 / 60;

export const RATES: readonly RateDef[] = [
  { name: "pps", feature: "volume_in_pkt", scale: PER_S },
  { name: "bps", feature: "volume_in_byt", scale: BITS_PER_S },
  { name: "flows", feature: "volume_in_flow", scale: PER_S },
  ...(["udp", "tcp", "icmp"] as const).flatMap((p) => [
    { name: `${p}_pps`, feature: `proto_${p}_in_pkt`, scale: PER_S },
    { name: `${p}_bps`, feature: `proto_${p}_in_byt`, scale: BITS_PER_S },
    { name: `${p}_flows`, feature: `proto_${p}_in_flow`, scale: PER_S },
  ]),
  { name: "tcp_syn_flows", feature: "tcpflags_18_out_flow", scale: PER_S },
];

const FEATURE_OF = RATES.map((r) => featureIndex(r.feature));

/** rates (T, R) from counters (T, FEATURE_COUNT) of one window; R = RATES.length. */
export function windowRates(counters: ArrayLike<number>, T: number): Float64Array {
  if (counters.length !== T * FEATURE_COUNT) throw new RangeError(`${counters.length} counters for T=${T}`);
  const R = RATES.length;
  const out = new Float64Array(T * R);
  for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) out[t * R + r] = counters[t * FEATURE_COUNT + FEATURE_OF[r]!]! * RATES[r]!.scale;
  return out;
}
