/** @module Counter keys of an open node-minute (protocol × port combinations per direction, TCP-flag classes) and their expansion into the 86 features. */
import { FEATURE_COUNT, TCP_FLAGS_OFFSET } from "./catalogue.js";
import { portBlockOffset, protocolBlockOffset } from "./classes.js";

/**
 * A flow touches exactly one (protocol class × port class) combination per side, so an open
 * node-minute keeps counters per combination (pkt, byt, flow) and derives the volume, protocol and
 * port features when the minute closes. Combinations: icmp × port 0, and tcp, udp, other × 8 port
 * classes (25). A counter key is:
 *   [0, COMBOS)              inbound combination
 *   [COMBOS, 2·COMBOS)       outbound combination
 *   [FLAG_KEY_BASE, +3)      outbound TCP flag classes, three per key (flow counts only): flag class
 *                            i is lane i mod 3 of key FLAG_KEY_BASE + ⌊i / 3⌋
 * The dense form of a node-minute (DENSE_WIDTH float64s) puts key k < 2·COMBOS at 3k (its pkt, byt,
 * flow) and flag class i at DENSE_FLAGS + i.
 */
export const COMBO_PROTO: readonly number[] = [];
export const COMBO_PORT: readonly number[] = [];
/** (protocol class · 8 + port class) → combination index, -1 when impossible */
export const COMBO_INDEX = new Int8Array(4 * 8).fill(-1);
for (let proto = 0; proto < 4; proto++) {
  for (let port = 0; port < 8; port++) {
    if (proto === 0 && port !== 0) continue; // ICMP carries no ports
    COMBO_INDEX[proto * 8 + port] = COMBO_PROTO.length;
    (COMBO_PROTO as number[]).push(proto);
    (COMBO_PORT as number[]).push(port);
  }
}
export const COMBOS = COMBO_PROTO.length;
export const FLAG_KEY_BASE = 2 * COMBOS;
export const KEY_COUNT = FLAG_KEY_BASE + 3;
export const DENSE_FLAGS = 3 * FLAG_KEY_BASE;
export const DENSE_WIDTH = DENSE_FLAGS + 8;

/**
 * Derives the 86 catalogue features from a dense node-minute at `dense[base…]` (summed in
 * combination order), into `out` (zeroed; a new array when not given).
 */
export function expandDense(dense: Float64Array, base: number, out: Float64Array = new Float64Array(FEATURE_COUNT)): Float64Array {
  const outBase = 3 * COMBOS;
  for (let side = 0; side < 2; side++) {
    const dir = 3 * side;
    for (let combo = 0; combo < COMBOS; combo++) {
      const v = base + side * outBase + 3 * combo;
      const protoOff = protocolBlockOffset(COMBO_PROTO[combo]!) + dir;
      const portOff = portBlockOffset(COMBO_PORT[combo]!) + dir;
      for (let type = 0; type < 3; type++) {
        const x = dense[v + type]!;
        out[dir + type]! += x;
        out[protoOff + type]! += x;
        out[portOff + type]! += x;
      }
    }
  }
  for (let k = 0; k < 8; k++) out[TCP_FLAGS_OFFSET + k] = dense[base + DENSE_FLAGS + k]!;
  return out;
}

/**
 * The same derivation from a sparse node-minute: `n` keys, ascending, whose counters start at
 * `values[at[i]]`. Absent keys would only add zeros, so the sums (in the same key order) are
 * bit-identical to expandDense's. `out` must be zeroed.
 */
export function expandSparse(values: Float64Array, keys: Int32Array, at: Int32Array, n: number, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    const v = at[i]!;
    if (key >= FLAG_KEY_BASE) {
      const first = 3 * (key - FLAG_KEY_BASE);
      for (let lane = 0; lane < 3 && first + lane < 8; lane++) out[TCP_FLAGS_OFFSET + first + lane] = values[v + lane]!;
      continue;
    }
    const side = key >= COMBOS ? 1 : 0;
    const combo = key - side * COMBOS;
    const dir = 3 * side;
    const protoOff = protocolBlockOffset(COMBO_PROTO[combo]!) + dir;
    const portOff = portBlockOffset(COMBO_PORT[combo]!) + dir;
    for (let type = 0; type < 3; type++) {
      const x = values[v + type]!;
      out[dir + type]! += x;
      out[protoOff + type]! += x;
      out[portOff + type]! += x;
    }
  }
  return out;
}
