/** @module Datagrams the kernel dropped on the relay's UDP socket (its receive buffer was full), read from Linux's /proc/net/udp{,6}; undefined on other systems. */
import { readFileSync } from "node:fs";

/**
 * The `drops` counter of the UDP socket bound to `port` (IPv4 table for family 4, IPv6 for 6),
 * or undefined when /proc is not there. Sums over matching rows (there is one unless SO_REUSEPORT).
 */
export function readUdpDrops(port: number, family: 4 | 6, procRoot = "/proc"): number | undefined {
  let table: string;
  try {
    table = readFileSync(`${procRoot}/net/${family === 6 ? "udp6" : "udp"}`, "utf8");
  } catch {
    return undefined;
  }
  return parseUdpDrops(table, port);
}

/** Parses a /proc/net/udp table: `sl local_address rem_address st … inode ref pointer drops`. */
export function parseUdpDrops(table: string, port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  let found = false;
  let drops = 0;
  for (const line of table.split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    if (cols[1]!.split(":")[1] !== hexPort) continue;
    const n = Number(cols[cols.length - 1]);
    if (!Number.isFinite(n)) continue;
    found = true;
    drops += n;
  }
  return found ? drops : undefined;
}
