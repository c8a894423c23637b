/** @module The normalized flow record every parser produces, and its validation with typed errors. */
import { formatIp, parseIp } from "./ip.js";

/**
 * One flow, as every ingest path normalizes it.
 * Times are epoch milliseconds (UTC); `startMs` is the first packet, `endMs` the last.
 * Addresses are canonical text (IPv4 dotted quad, IPv6 RFC 5952; IPv4-mapped IPv6 becomes IPv4).
 * `packets` and `bytes` are as exported (sampled); `samplingRate` is 1-in-N (1 = unsampled).
 */
export interface FlowRecord {
  startMs: number;
  endMs: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). */
  protocol: number;
  /** Cumulative TCP flags byte (0 for non-TCP). */
  tcpFlags: number;
  packets: number;
  bytes: number;
  samplingRate: number;
  /** Which exporter produced the flow, e.g. "192.0.2.1/0" (address / observation domain or source id). */
  exporterId: string;
}

/** Longest flow we accept: a day. Longer ones are exporter bugs (uptime wrap-around, bad clocks). */
export const MAX_FLOW_DURATION_MS = 24 * 60 * 60 * 1000;
/** Latest plausible timestamp: 2100-01-01. Guards against garbage times decoded as years 50000+. */
export const MAX_FLOW_TIME_MS = Date.UTC(2100, 0, 1);

export type FlowErrorCode =
  | "not_an_object"
  | "missing_field"
  | "wrong_type"
  | "bad_address"
  | "mixed_families"
  | "out_of_range"
  | "time_order"
  | "too_long";

/** A flow that cannot be used, with the field at fault. */
export class FlowValidationError extends Error {
  override readonly name = "FlowValidationError";
  constructor(
    readonly code: FlowErrorCode,
    readonly field: keyof FlowRecord | null,
    message: string,
  ) {
    super(message);
  }
}

const INTEGER_FIELDS = {
  srcPort: [0, 65535],
  dstPort: [0, 65535],
  protocol: [0, 255],
  tcpFlags: [0, 255],
  samplingRate: [1, 2 ** 32 - 1],
} as const;

function requireNumber(obj: Record<string, unknown>, field: keyof FlowRecord): number {
  const v = obj[field];
  if (v === undefined || v === null) throw new FlowValidationError("missing_field", field, `${field} is missing`);
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new FlowValidationError("wrong_type", field, `${field} must be a finite number, got ${typeof v === "number" ? v : typeof v}`);
  }
  return v;
}

function requireAddress(obj: Record<string, unknown>, field: "src" | "dst") {
  const v = obj[field];
  if (v === undefined || v === null) throw new FlowValidationError("missing_field", field, `${field} is missing`);
  if (typeof v !== "string") throw new FlowValidationError("wrong_type", field, `${field} must be a string`);
  const addr = parseIp(v);
  if (!addr) throw new FlowValidationError("bad_address", field, `${field} is not an IP address: ${JSON.stringify(v.slice(0, 64))}`);
  return addr;
}

/**
 * Checks an untrusted value and returns a normalized FlowRecord (canonical addresses).
 * Throws FlowValidationError, and only that, on bad input.
 */
export function validateFlow(input: unknown): FlowRecord {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new FlowValidationError("not_an_object", null, "a flow must be a JSON object");
  }
  const obj = input as Record<string, unknown>;
  const startMs = requireNumber(obj, "startMs");
  const endMs = requireNumber(obj, "endMs");
  for (const [field, v] of [["startMs", startMs], ["endMs", endMs]] as const) {
    if (v < 0 || v > MAX_FLOW_TIME_MS) throw new FlowValidationError("out_of_range", field, `${field} ${v} is outside 1970..2100`);
  }
  if (endMs < startMs) throw new FlowValidationError("time_order", "endMs", `endMs ${endMs} is before startMs ${startMs}`);
  if (endMs - startMs > MAX_FLOW_DURATION_MS) {
    throw new FlowValidationError("too_long", "endMs", `flow lasts ${endMs - startMs} ms, more than ${MAX_FLOW_DURATION_MS}`);
  }
  const src = requireAddress(obj, "src");
  const dst = requireAddress(obj, "dst");
  if (src.family !== dst.family) throw new FlowValidationError("mixed_families", "dst", "src and dst must both be IPv4 or both IPv6");
  const ints = {} as Record<keyof typeof INTEGER_FIELDS, number>;
  for (const [field, [lo, hi]] of Object.entries(INTEGER_FIELDS) as [keyof typeof INTEGER_FIELDS, readonly [number, number]][]) {
    const v = field === "samplingRate" && obj[field] === undefined ? 1 : field === "tcpFlags" && obj[field] === undefined ? 0 : requireNumber(obj, field);
    if (!Number.isInteger(v) || v < lo || v > hi) throw new FlowValidationError("out_of_range", field, `${field} must be an integer in ${lo}..${hi}, got ${v}`);
    ints[field] = v;
  }
  const packets = requireNumber(obj, "packets");
  const bytes = requireNumber(obj, "bytes");
  for (const [field, v] of [["packets", packets], ["bytes", bytes]] as const) {
    if (v < 0 || !Number.isInteger(v)) throw new FlowValidationError("out_of_range", field, `${field} must be a non-negative integer, got ${v}`);
  }
  const exporterId = obj.exporterId === undefined ? "" : obj.exporterId;
  if (typeof exporterId !== "string" || exporterId.length > 128) {
    throw new FlowValidationError("wrong_type", "exporterId", "exporterId must be a string of at most 128 characters");
  }
  return {
    startMs,
    endMs,
    src: formatIp(src),
    dst: formatIp(dst),
    srcPort: ints.srcPort,
    dstPort: ints.dstPort,
    protocol: ints.protocol,
    tcpFlags: ints.tcpFlags,
    packets,
    bytes,
    samplingRate: ints.samplingRate,
    exporterId,
  };
}

/** Like validateFlow, but returns the error instead of throwing it (for batch ingest counting). */
export function checkFlow(input: unknown): { ok: true; flow: FlowRecord } | { ok: false; error: FlowValidationError } {
  try {
    return { ok: true, flow: validateFlow(input) };
  } catch (err) {
    if (err instanceof FlowValidationError) return { ok: false, error: err };
    throw err;
  }
}
