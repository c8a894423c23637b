/** @module Branch-free per-flow counter keys: lookup tables giving a flow's (protocol × port) combination and TCP-flag key, built from classes.ts so they agree with it by construction. */
import { COMBO_INDEX, FLAG_KEY_BASE } from "./aggregate-layout.js";
import { carriesPorts, portClass, protocolClass, PROTO_TCP, tcpFlagIndex } from "./classes.js";

/**
 * Protocol number → protocolClass · 8, and → 7 when the protocol carries ports (else 0, so the
 * port class masks to 0). A flow's combination for port `p` is
 * COMBO_INDEX[PROTO_ROW[proto] + (PORT_CLASS[p] & PORT_MASK[proto])], equal to
 * COMBO_INDEX[protocolClass(proto) · 8 + portClass(p, proto)] without its data-dependent branches
 * (random ports and protocols mispredict several branches per flow).
 */
export const PROTO_ROW: Uint8Array = Uint8Array.from({ length: 256 }, (_, p) => protocolClass(p) * 8);
export const PORT_MASK: Uint8Array = Uint8Array.from({ length: 256 }, (_, p) => (carriesPorts(p) ? 7 : 0));
/** Port → portClass for a port-carrying protocol (64 KiB). */
export const PORT_CLASS: Uint8Array = Uint8Array.from({ length: 65536 }, (_, port) => portClass(port, PROTO_TCP));
/** (protocol class · 8 + port class) → combination index (as COMBO_INDEX; -1 when impossible). */
export const COMBO: Int8Array = COMBO_INDEX;

/** Protocol number → 256 for TCP, else 0: the row of FLAG_KEY / FLAG_LANE to read with the flags byte. */
export const TCP_ROW: Uint16Array = Uint16Array.from({ length: 256 }, (_, p) => (p === PROTO_TCP ? 256 : 0));
/**
 * (TCP_ROW[proto] + flags byte) → the outbound TCP-flag counter key and its lane (aggregate-layout.ts:
 * flag class i is lane i mod 3 of key FLAG_KEY_BASE + ⌊i / 3⌋); key -1 when the flow counts in no
 * flag class (not TCP, or no class).
 */
export const FLAG_KEY: Int8Array = Int8Array.from({ length: 512 }, (_, i) => {
  const f = i >= 256 ? tcpFlagIndex(i - 256) : -1;
  return f >= 0 ? FLAG_KEY_BASE + Math.floor(f / 3) : -1;
});
export const FLAG_LANE: Int8Array = Int8Array.from({ length: 512 }, (_, i) => {
  const f = i >= 256 ? tcpFlagIndex(i - 256) : -1;
  return f >= 0 ? f % 3 : 0;
});
