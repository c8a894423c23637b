/** @module NTP time stamps of NetFlow v9 records (integers of any width: ../read-uint.ts). */

/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
export const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** Epoch ms of a 64-bit NTP time stamp at `o` (dateTimeMicroseconds/Nanoseconds), rounded down. */
export function readNtpMs(dv: DataView, o: number): number {
  return (dv.getUint32(o) - NTP_UNIX_OFFSET_S) * 1000 + Math.floor((dv.getUint32(o + 4) * 1000) / 4294967296);
}
