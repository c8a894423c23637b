/**
 * @module The decode plan of a NetFlow v9 template: byte offsets and widths of the fields we use, computed
 * once when the template arrives and cached beside it (a WeakMap keyed by the stored Template object, so
 * templates stay plain structured-cloneable data and a restored state rebuilds its plans lazily).
 */
import type { Template } from "../exporter-state.js";
import * as F from "./fields.js";

/** How a time field is read. */
export const TIME_NONE = 0;
/** u32 ms of exporter uptime, relative to the packet's sysUptime */
export const TIME_UPTIME = 1;
/** epoch milliseconds */
export const TIME_EPOCH_MS = 2;
/** epoch seconds */
export const TIME_EPOCH_S = 3;
/** 64-bit NTP time stamp */
export const TIME_NTP = 4;
/** microseconds before the export time */
export const TIME_DELTA_US = 5;

/** A field's place in the record: offset -1 when the template lacks it. */
export interface FieldRef {
  offset: number;
  width: number;
}

export interface DecodePlan {
  kind: "data" | "options";
  recordLength: number;
  /** why records of this template cannot become flows, or null when they can */
  unusable: string | null;
  // addresses: offsets only (IPv4 fields are 4 bytes, IPv6 16; other widths are ignored)
  srcV4: number;
  dstV4: number;
  srcV6: number;
  dstV6: number;
  srcPort: FieldRef;
  dstPort: FieldRef;
  protocol: FieldRef;
  tcpFlags: FieldRef;
  /** type·256 + code in one field (ICMP_TYPE 32, or icmpTypeCodeIPv6 139) */
  icmpTypeCode: FieldRef;
  /** type and code in separate fields (176/177 or 178/179) */
  icmpType: FieldRef;
  icmpCode: FieldRef;
  bytes: FieldRef;
  packets: FieldRef;
  start: FieldRef;
  startKind: number;
  end: FieldRef;
  endKind: number;
  /** FLOW_SAMPLER_ID: data records look its interval up; options records define it */
  samplerId: FieldRef;
  /** FLOW_SAMPLER_RANDOM_INTERVAL, else SAMPLING_INTERVAL: the 1-in-N rate itself */
  interval: FieldRef;
}

const ABSENT: FieldRef = { offset: -1, width: 0 };

/** Start and end sources in order of preference: absolute times first (no 1 s header offset), then uptime, then deltas. */
const START_SOURCES: [number, number][] = [
  [F.FLOW_START_MILLISECONDS, TIME_EPOCH_MS],
  [F.FLOW_START_MICROSECONDS, TIME_NTP],
  [F.FLOW_START_NANOSECONDS, TIME_NTP],
  [F.FLOW_START_SECONDS, TIME_EPOCH_S],
  [F.FIRST_SWITCHED, TIME_UPTIME],
  [F.FLOW_START_DELTA_MICROSECONDS, TIME_DELTA_US],
];
const END_SOURCES: [number, number][] = [
  [F.FLOW_END_MILLISECONDS, TIME_EPOCH_MS],
  [F.FLOW_END_MICROSECONDS, TIME_NTP],
  [F.FLOW_END_NANOSECONDS, TIME_NTP],
  [F.FLOW_END_SECONDS, TIME_EPOCH_S],
  [F.LAST_SWITCHED, TIME_UPTIME],
  [F.FLOW_END_DELTA_MICROSECONDS, TIME_DELTA_US],
];
/** A single instant used for both ends when a record has neither a start nor an end. */
const POINT_SOURCES: [number, number][] = [
  [F.OBSERVATION_TIME_MILLISECONDS, TIME_EPOCH_MS],
  [F.OBSERVATION_TIME_MICROSECONDS, TIME_NTP],
  [F.OBSERVATION_TIME_NANOSECONDS, TIME_NTP],
  [F.OBSERVATION_TIME_SECONDS, TIME_EPOCH_S],
];

/** Which widths each time kind can be read from. */
function timeWidthOk(kind: number, width: number): boolean {
  if (kind === TIME_NTP) return width === 8;
  if (kind === TIME_UPTIME || kind === TIME_DELTA_US) return width === 4;
  return width >= 1 && width <= 8;
}

export function compilePlan(t: Template): DecodePlan {
  // Offsets of the first occurrence of each (non-scope) field id.
  const at = new Map<number, FieldRef>();
  let offset = 0;
  t.fields.forEach((f, i) => {
    if (i >= t.scopeFieldCount && !at.has(f.id)) at.set(f.id, { offset, width: f.length });
    offset += f.length;
  });
  const num = (...ids: number[]): FieldRef => {
    for (const id of ids) {
      const r = at.get(id);
      if (r !== undefined && r.width >= 1 && r.width <= 8) return r;
    }
    return ABSENT;
  };
  const addr = (id: number, width: number): number => (at.get(id)?.width === width ? at.get(id)!.offset : -1);
  const time = (sources: [number, number][]): [FieldRef, number] => {
    for (const [id, kind] of sources) {
      const r = at.get(id);
      if (r !== undefined && timeWidthOk(kind, r.width)) return [r, kind];
    }
    return [ABSENT, TIME_NONE];
  };

  let [start, startKind] = time(START_SOURCES);
  let [end, endKind] = time(END_SOURCES);
  if (startKind === TIME_NONE && endKind === TIME_NONE) [start, startKind] = [end, endKind] = time(POINT_SOURCES);
  else if (startKind === TIME_NONE) [start, startKind] = [end, endKind];
  else if (endKind === TIME_NONE) [end, endKind] = [start, startKind];

  const plan: DecodePlan = {
    kind: t.kind,
    recordLength: t.recordLength,
    unusable: null,
    srcV4: addr(F.IPV4_SRC_ADDR, 4),
    dstV4: addr(F.IPV4_DST_ADDR, 4),
    srcV6: addr(F.IPV6_SRC_ADDR, 16),
    dstV6: addr(F.IPV6_DST_ADDR, 16),
    srcPort: num(F.L4_SRC_PORT),
    dstPort: num(F.L4_DST_PORT),
    protocol: num(F.PROTOCOL),
    tcpFlags: num(F.TCP_FLAGS),
    icmpTypeCode: num(F.ICMP_TYPE, F.ICMP_TYPE_CODE_IPV6),
    icmpType: num(F.ICMP_TYPE_IPV4, F.ICMP_TYPE_IPV6),
    icmpCode: num(F.ICMP_CODE_IPV4, F.ICMP_CODE_IPV6),
    bytes: num(F.IN_BYTES, F.OUT_BYTES),
    packets: num(F.IN_PKTS, F.OUT_PKTS),
    start,
    startKind,
    end,
    endKind,
    samplerId: num(F.FLOW_SAMPLER_ID),
    interval: num(F.FLOW_SAMPLER_RANDOM_INTERVAL, F.SAMPLING_INTERVAL),
  };
  const hasV4 = plan.srcV4 >= 0 && plan.dstV4 >= 0;
  const hasV6 = plan.srcV6 >= 0 && plan.dstV6 >= 0;
  if (!hasV4 && !hasV6) plan.unusable = "no source and destination address fields";
  else if (plan.bytes.offset < 0 && plan.packets.offset < 0) plan.unusable = "no packet or byte counter fields";
  return plan;
}

const plans = new WeakMap<Template, DecodePlan>();

/** The plan of a stored template, compiled on first use and then reused for every data flowset. */
export function planFor(t: Template): DecodePlan {
  let plan = plans.get(t);
  if (plan === undefined) {
    plan = compilePlan(t);
    plans.set(t, plan);
  }
  return plan;
}
