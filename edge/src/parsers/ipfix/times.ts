/** @module IPFIX time stamps as epoch milliseconds: dateTimeMilliseconds, NTP-format micro/nanoseconds, and uptime wrap-around. */
import { readUint64 } from "../read-uint.js";

const TWO_32 = 4294967296;
/** Seconds from the NTP era-0 epoch (1900-01-01) to the Unix epoch. */
export const NTP_UNIX_OFFSET_S = 2208988800;

/** dateTimeMilliseconds: unsigned 64-bit ms since the Unix epoch. */
export function readMs(view: DataView, pos: number): number {
  return readUint64(view, pos);
}

/**
 * dateTimeMicroseconds / dateTimeNanoseconds (RFC 7011 §6.1.9-10): NTP 64-bit format, seconds
 * since 1900 and a 2^-32 fraction, truncated to the millisecond. Following RFC 2030 §3, seconds
 * with the top bit clear are in NTP era 1 (from 2036-02-07).
 */
export function readNtpMs(view: DataView, pos: number): number {
  const sec = view.getUint32(pos);
  const frac = view.getUint32(pos + 4);
  const unixSec = sec >= 0x80000000 ? sec - NTP_UNIX_OFFSET_S : sec + TWO_32 - NTP_UNIX_OFFSET_S;
  return unixSec * 1000 + Math.floor(frac / 4294967.296);
}

/** Writes epoch ms as NTP 64-bit (era 0 before 2036-02-07, era 1 after). */
export function writeNtpMs(view: DataView, pos: number, ms: number): void {
  const unixSec = Math.floor(ms / 1000);
  const sec = (unixSec + NTP_UNIX_OFFSET_S) % TWO_32;
  view.setUint32(pos, sec);
  view.setUint32(pos + 4, Math.ceil(((ms - unixSec * 1000) * TWO_32) / 1000));
}

/**
 * An end uptime that is far below its start uptime wrapped around 2^32 ms (49.7 days) in between:
 * unwrap it. Small inversions stay, so the record is reported as out of order.
 */
export function unwrapEndUptime(start: number, end: number): number {
  return end < start && start - end > 0x80000000 ? end + TWO_32 : end;
}

export function writeMs(view: DataView, pos: number, ms: number): void {
  view.setUint32(pos, Math.floor(ms / TWO_32));
  view.setUint32(pos + 4, ms % TWO_32);
}
