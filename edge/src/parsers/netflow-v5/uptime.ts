/** @module Exporter uptime to epoch milliseconds (NetFlow v5 and v9), and the time checks every decoded flow passes. */
import { MAX_FLOW_DURATION_MS, MAX_FLOW_TIME_MS } from "../../../../shared/flow/record.js";

/**
 * Epoch ms of an uptime stamp (`switched`, ms since the exporter booted) given the datagram's
 * export time (`exportMs`, epoch) and its uptime then (`sysUptime`). Both uptimes are uint32 and wrap
 * after 49.7 days; the difference is taken as a signed 32-bit number, which is right across one wrap
 * and also for a stamp slightly after the export (clock skew), as long as |exportMs − stamp| < 24.8 days.
 */
export function uptimeToEpochMs(exportMs: number, sysUptime: number, switched: number): number {
  return exportMs - ((sysUptime - switched) | 0);
}

/** Why a flow's times cannot be used, or null when they can. Constant strings: no allocation per record. */
export function badFlowTimes(startMs: number, endMs: number): string | null {
  if (!(startMs >= 0 && endMs <= MAX_FLOW_TIME_MS)) return "time outside 1970..2100";
  if (endMs < startMs) return "end before start";
  if (endMs - startMs > MAX_FLOW_DURATION_MS) return "flow longer than 24 h";
  return null;
}
