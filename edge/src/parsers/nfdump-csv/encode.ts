/**
 * @module encodeNfdumpCsv: flows as nfdump 1.7.1 prints them with `-o csv` (48 columns, times in UTC), for the shared
 * parser cases and the simulator's CSV output. Like nfdump, `ts`/`te` are whole seconds (floored) and `td` keeps the
 * milliseconds, so a flow that starts on a whole second round-trips exactly whatever its duration; any other start
 * comes back floored to the second with its duration intact. There is no sampling column (rates are lost).
 */
import { canonicalIp } from "../../../../shared/flow/ip.js";
import type { FlowRecord } from "../../../../shared/flow/record.js";
import { NFDUMP_CSV_HEADER } from "./header.js";
import { protocolName } from "./protocols.js";

const FLAG_LETTERS = "CEUAPRSF";
const MAC = "00:00:00:00:00:00";
const MPLS = Array.from({ length: 10 }, () => "0-0-0").join(",");
const LATENCY = "    0.000,    0.000,    0.000";

/** `YYYY-MM-DD hh:mm:ss` in UTC, with `.mmm` when `withMs`. */
function utc(ms: number, withMs: boolean): string {
  const iso = new Date(withMs ? ms : Math.floor(ms / 1000) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, withMs ? 23 : 19)}`;
}

function flagsText(flags: number): string {
  let s = "";
  for (let i = 0; i < 8; i++) s += flags & (1 << (7 - i)) ? FLAG_LETTERS[i] : ".";
  return s;
}

function seconds(ms: number): string {
  if (!Number.isInteger(ms)) return (ms / 1000).toFixed(3);
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")}`;
}

/** The router address nfdump prints as `ra`: the address part of an exporter id like `192.0.2.1/0`. */
function routerAddress(exporterId: string): string {
  return canonicalIp(exporterId.split("/")[0] ?? "") ?? "0.0.0.0";
}

export function encodeNfdumpCsv(flows: readonly FlowRecord[]): string {
  const lines = [NFDUMP_CSV_HEADER];
  for (const f of flows) {
    lines.push(
      [
        utc(f.startMs, false),
        utc(f.endMs, false),
        seconds(f.endMs - f.startMs),
        f.src,
        f.dst,
        f.srcPort,
        f.dstPort,
        protocolName(f.protocol),
        flagsText(f.tcpFlags),
        "0,0", // fwd, stos
        f.packets,
        f.bytes,
        "0,0,0,0,0,0,0,0,0,0", // opkt … dir
        "0.0.0.0,0.0.0.0,0,0", // nh, nhb, svln, dvln
        [MAC, MAC, MAC, MAC].join(","),
        MPLS,
        LATENCY,
        routerAddress(f.exporterId),
        "0/0,1", // eng, exid
        utc(f.endMs, true),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}
