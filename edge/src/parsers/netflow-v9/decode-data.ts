/** @module The hot loop: the records of one NetFlow v9 data flowset, decoded with its template's plan straight into FlowColumns. */
import type { FlowColumns } from "../../../../shared/flow/columns.js";
import type { ExporterState } from "../exporter-state.js";
import { badFlowTimes, uptimeToEpochMs } from "../netflow-v5/uptime.js";
import { reject, type ParseReport } from "../types.js";
import { TIME_DELTA_US, TIME_EPOCH_MS, TIME_EPOCH_S, TIME_NTP, TIME_UPTIME, type DecodePlan } from "./decode-plan.js";
import { readUint } from "../read-uint.js";
import { readNtpMs } from "./read.js";

/** Where a flowset's records came from: its packet's clock, source id and exporter state. */
export interface SetContext {
  templateId: number;
  domain: number;
  /** export time in epoch ms: unix_secs·1000 (v9 has no sub-second field, so this is up to 1 s early) */
  exportMs: number;
  sysUptime: number;
  state: ExporterState;
}

const U32_MAX = 0xffffffff;

/** Epoch ms of the time field of `kind` at [at, at + width); with no field, the export time. */
function timeAt(kind: number, dv: DataView, at: number, width: number, exportMs: number, sysUptime: number): number {
  switch (kind) {
    case TIME_UPTIME:
      return uptimeToEpochMs(exportMs, sysUptime, dv.getUint32(at));
    case TIME_EPOCH_MS:
      return readUint(dv, at, width);
    case TIME_EPOCH_S:
      return readUint(dv, at, width) * 1000;
    case TIME_NTP:
      return readNtpMs(dv, at);
    case TIME_DELTA_US:
      return exportMs - Math.round(dv.getUint32(at) / 1000);
    default:
      return exportMs;
  }
}

/** The field at offset `off` (-1: absent, read as 0) of the record at `o`. */
function uintOr0(dv: DataView, o: number, off: number, width: number): number {
  return off < 0 ? 0 : readUint(dv, o + off, width);
}

/**
 * Decodes the data records in b[start, end) (trailing bytes shorter than a record are padding) and
 * appends the usable ones to `out`. Returns how many were accepted. Rejected records are counted per
 * flowset with one issue each: missing_field (the template has no addresses or no counters) or
 * bad_record (times out of order or range, counters of 2^53 or more, an IPv4-mapped address paired with a
 * native IPv6 one).
 */
export function decodeDataRecords(
  plan: DecodePlan,
  b: Uint8Array,
  dv: DataView,
  start: number,
  end: number,
  ctx: SetContext,
  out: FlowColumns,
  report: ParseReport,
): number {
  const rl = plan.recordLength;
  const n = Math.floor((end - start) / rl);
  if (n === 0) return 0;
  if (plan.unusable !== null) {
    reject(report, "missing_field", `NetFlow v9: ${n} records of template ${ctx.templateId} rejected: ${plan.unusable}`, n);
    return 0;
  }

  const first = out.reserve(n);
  const { startMs, endMs, family, src, dst, srcPort, dstPort, protocol, tcpFlags, packets, bytes, samplingRate } = out;
  // The plan in locals: the loop below reads nothing else per record.
  const { exportMs, sysUptime } = ctx;
  const { startKind, endKind, srcV4, dstV4, srcV6, dstV6 } = plan;
  const sOff = plan.start.offset;
  const sW = plan.start.width;
  const eOff = plan.end.offset;
  const eW = plan.end.width;
  const byOff = plan.bytes.offset;
  const byW = plan.bytes.width;
  const pkOff = plan.packets.offset;
  const pkW = plan.packets.width;
  const spOff = plan.srcPort.offset;
  const spW = plan.srcPort.width;
  const dpOff = plan.dstPort.offset;
  const dpW = plan.dstPort.width;
  const prOff = plan.protocol.offset;
  const prW = plan.protocol.width;
  const flOff = plan.tcpFlags.offset;
  const flW = plan.tcpFlags.width;
  const icOff = plan.icmpTypeCode.offset;
  const icW = plan.icmpTypeCode.width;
  const itOff = plan.icmpType.offset;
  const itW = plan.icmpType.width;
  const iqOff = plan.icmpCode.offset;
  const iqW = plan.icmpCode.width;
  const ivOff = plan.interval.offset;
  const ivW = plan.interval.width;
  const siOff = plan.samplerId.offset;
  const siW = plan.samplerId.width;
  // the two common time encodings, read in line: uptime u32 (v9 classic) and epoch ms u64 (152/153)
  const sUptime = startKind === TIME_UPTIME;
  const eUptime = endKind === TIME_UPTIME;
  const sMs8 = startKind === TIME_EPOCH_MS && sW === 8;
  const eMs8 = endKind === TIME_EPOCH_MS && eW === 8;
  const hasV4 = srcV4 >= 0 && dstV4 >= 0;
  const hasV6 = srcV6 >= 0 && dstV6 >= 0;
  const defaultRate = ctx.state.getSampling(ctx.domain, -1) ?? 1;
  // The sampler id rarely changes within a flowset: look its interval up once per change, not per record.
  let lastSampler = -1;
  let lastSamplerRate = defaultRate;
  let bad = 0;
  let badWhy: string | null = null;
  let row = first;

  for (let r = 0, o = start; r < n; r++, o += rl) {
    // The common widths are read in line (loop-invariant branches); readUint/timeAt take the rest.
    const t0 = sUptime
      ? uptimeToEpochMs(exportMs, sysUptime, dv.getUint32(o + sOff))
      : sMs8
        ? dv.getUint32(o + sOff) * 4294967296 + dv.getUint32(o + sOff + 4)
        : timeAt(startKind, dv, o + sOff, sW, exportMs, sysUptime);
    const t1 = eUptime
      ? uptimeToEpochMs(exportMs, sysUptime, dv.getUint32(o + eOff))
      : eMs8
        ? dv.getUint32(o + eOff) * 4294967296 + dv.getUint32(o + eOff + 4)
        : timeAt(endKind, dv, o + eOff, eW, exportMs, sysUptime);
    const nb = byW === 4 ? dv.getUint32(o + byOff) : byW === 8 ? dv.getUint32(o + byOff) * 4294967296 + dv.getUint32(o + byOff + 4) : uintOr0(dv, o, byOff, byW);
    const np = pkW === 4 ? dv.getUint32(o + pkOff) : pkW === 8 ? dv.getUint32(o + pkOff) * 4294967296 + dv.getUint32(o + pkOff + 4) : uintOr0(dv, o, pkOff, pkW);
    const why = nb > Number.MAX_SAFE_INTEGER || np > Number.MAX_SAFE_INTEGER ? "counter of 2^53 or more" : badFlowTimes(t0, t1);
    if (why !== null) {
      bad++;
      badWhy ??= why;
      continue;
    }

    // Addresses: IPv6 when the template has them and they are set, else IPv4; IPv4-mapped IPv6 becomes IPv4.
    const w = 4 * row;
    let fam = 4;
    let v4FromV6 = false;
    if (hasV6) {
      const s = o + srcV6;
      const d = o + dstV6;
      src[w] = dv.getUint32(s);
      src[w + 1] = dv.getUint32(s + 4);
      src[w + 2] = dv.getUint32(s + 8);
      src[w + 3] = dv.getUint32(s + 12);
      dst[w] = dv.getUint32(d);
      dst[w + 1] = dv.getUint32(d + 4);
      dst[w + 2] = dv.getUint32(d + 8);
      dst[w + 3] = dv.getUint32(d + 12);
      const srcMapped = src[w] === 0 && src[w + 1] === 0 && src[w + 2] === 0xffff;
      const dstMapped = dst[w] === 0 && dst[w + 1] === 0 && dst[w + 2] === 0xffff;
      if (srcMapped !== dstMapped) {
        // one IPv4-mapped end and one native IPv6 end: no single family (FlowRecord normalizes mapped to IPv4)
        bad++;
        badWhy ??= "IPv4-mapped IPv6 address paired with a native IPv6 address";
        continue;
      }
      if (srcMapped) {
        src[w] = src[w + 3]!;
        dst[w] = dst[w + 3]!;
        v4FromV6 = true;
      } else if (!hasV4 || (src[w]! | src[w + 1]! | src[w + 2]! | src[w + 3]! | dst[w]! | dst[w + 1]! | dst[w + 2]! | dst[w + 3]!) !== 0) {
        fam = 6; // a template with both families uses IPv4 when the IPv6 fields are all zero
      }
    }
    if (fam === 4) {
      if (!v4FromV6) {
        src[w] = dv.getUint32(o + srcV4);
        dst[w] = dv.getUint32(o + dstV4);
      }
      src[w + 1] = src[w + 2] = src[w + 3] = 0;
      dst[w + 1] = dst[w + 2] = dst[w + 3] = 0;
    }
    family[row] = fam;

    // Typed-array stores wrap: a port field wider than 2 bytes keeps its low 16 bits, flags their low 8.
    srcPort[row] = spW === 2 ? dv.getUint16(o + spOff) : uintOr0(dv, o, spOff, spW);
    let dp = dpW === 2 ? dv.getUint16(o + dpOff) : uintOr0(dv, o, dpOff, dpW) & 0xffff;
    if (dp === 0) {
      if (icOff >= 0) dp = readUint(dv, o + icOff, icW);
      else if (itOff >= 0) dp = (readUint(dv, o + itOff, itW) & 0xff) * 256 + (uintOr0(dv, o, iqOff, iqW) & 0xff);
    }
    dstPort[row] = dp;
    protocol[row] = prW === 1 ? b[o + prOff]! : uintOr0(dv, o, prOff, prW);
    tcpFlags[row] = flW === 1 ? b[o + flOff]! : uintOr0(dv, o, flOff, flW);
    startMs[row] = t0;
    endMs[row] = t1;
    bytes[row] = nb;
    packets[row] = np;

    // Sampling: an interval in the record itself, else its sampler's interval, else the exporter default, else 1.
    let rate = ivOff < 0 ? 0 : readUint(dv, o + ivOff, ivW);
    if (!(rate >= 1 && rate <= U32_MAX)) {
      if (siOff >= 0) {
        const id = readUint(dv, o + siOff, siW);
        if (id !== lastSampler) {
          lastSampler = id;
          lastSamplerRate = ctx.state.getSampling(ctx.domain, id) ?? defaultRate;
        }
        rate = lastSamplerRate;
      } else rate = defaultRate;
    }
    samplingRate[row] = rate;
    row++;
  }

  out.length = row;
  report.accepted += row - first;
  if (bad > 0) reject(report, "bad_record", `NetFlow v9: ${bad} of ${n} records of template ${ctx.templateId} rejected (${badWhy})`, bad);
  return row - first;
}
