/** @module Big-endian unsigned writes of any IPFIX reduced-size length (RFC 7011 §6.2), for the encoder; reads are ../read-uint.ts. */

/** Writes `value` (a non-negative integer below 2^53, checked by the caller) as `length` (1..8) bytes. */
export function writeUint(view: DataView, pos: number, length: number, value: number): void {
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    view.setUint8(pos + i, v % 256);
    v = Math.floor(v / 256);
  }
}
