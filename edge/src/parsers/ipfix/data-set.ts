/** @module The hot path: decodes the records of one IPFIX data set straight into FlowColumns by its template's decode plan. */
import type { FlowColumns } from "../../../../shared/flow/columns.js";
import { MAX_FLOW_DURATION_MS, MAX_FLOW_TIME_MS } from "../../../../shared/flow/record.js";
import type { ExporterState } from "../exporter-state.js";
import { reject, type ParseReport } from "../types.js";
import { DurationKind, SamplingKind, TimeKind, layoutVariableRecord, type DecodePlan } from "./decode-plan.js";
import { Slot } from "./ie.js";
import { readUint, readUint64 } from "../read-uint.js";
import { readMs, readNtpMs, unwrapEndUptime } from "./times.js";

/** What a data set's records need from around them. */
export interface SetContext {
  state: ExporterState;
  domain: number;
  /** the message's export time, epoch ms (whole seconds) */
  exportTimeMs: number;
  /** systemInitTimeMilliseconds of the domain; NaN when unknown (the plan must not need it then) */
  systemInitMs: number;
}

const MAX_RATE = 4294967295;

/** Counts the records of a set without decoding them (for reporting whole sets). */
export function countRecords(view: DataView, start: number, end: number, plan: DecodePlan): number {
  if (plan.recordLength > 0) return Math.floor((end - start) / plan.recordLength);
  let n = 0;
  for (let pos = start; end - pos >= plan.minRecordLength; n++) {
    pos = layoutVariableRecord(view, pos, end, plan);
    if (pos < 0) break;
  }
  return n;
}

/**
 * The largest end uptime (else start uptime) among the set's records, or -1: the basis of the
 * system-init estimate used when a domain never announced systemInitTimeMilliseconds.
 */
export function maxUptime(view: DataView, start: number, end: number, plan: DecodePlan): number {
  const slot = plan.endKind === TimeKind.uptime ? Slot.endMs : Slot.startMs;
  let max = -1;
  for (let pos = start; end - pos >= plan.minRecordLength; ) {
    const base = pos;
    pos = plan.recordLength > 0 ? pos + plan.recordLength : layoutVariableRecord(view, pos, end, plan);
    if (pos < 0 || pos > end) break;
    max = Math.max(max, view.getUint32(base + plan.rel[slot]!));
  }
  return max;
}

/**
 * One time stamp of a record by its kind; NaN when absent. The record loop reads milliseconds (the
 * common kind) in line and calls this for the others.
 */
function timeOf(view: DataView, pos: number, kind: number, ctx: SetContext): number {
  switch (kind) {
    case TimeKind.ms:
      return readMs(view, pos);
    case TimeKind.sec:
      return view.getUint32(pos) * 1000;
    case TimeKind.ntp:
      return readNtpMs(view, pos);
    case TimeKind.uptime:
      return ctx.systemInitMs + view.getUint32(pos);
    case TimeKind.deltaUs:
      return ctx.exportTimeMs - Math.floor(view.getUint32(pos) / 1000);
    default:
      return NaN;
  }
}

/**
 * Appends the set's valid flow records to `out` and returns how many; counts them in
 * `report.accepted` and the others as rejected (bad_record, missing_field, bad_length).
 * Records in `[start, end)`; trailing bytes shorter than a record are padding.
 */
export function decodeDataSet(view: DataView, start: number, end: number, plan: DecodePlan, ctx: SetContext, out: FlowColumns, report: ParseReport): number {
  const minLength = plan.minRecordLength;
  if (!plan.hasAddresses || !plan.hasCounters) {
    const n = countRecords(view, start, end, plan);
    if (n > 0) reject(report, "missing_field", `template has no ${plan.hasAddresses ? "packet or byte counters" : "source and destination addresses"}: ${n} records skipped`, n);
    return 0;
  }
  const fixed = plan.recordLength > 0;
  const rel = plan.rel;
  const len = plan.len;
  const first = out.reserve(Math.floor((end - start) / minLength));
  const startCol = out.startMs;
  const endCol = out.endMs;
  const familyCol = out.family;
  const srcCol = out.src;
  const dstCol = out.dst;
  const srcPortCol = out.srcPort;
  const dstPortCol = out.dstPort;
  const protocolCol = out.protocol;
  const flagsCol = out.tcpFlags;
  const packetsCol = out.packets;
  const bytesCol = out.bytes;
  const rateCol = out.samplingRate;
  const { startKind, endKind, durationKind, samplingKind } = plan;
  const bothUptime = startKind === TimeKind.uptime && endKind === TimeKind.uptime;
  const domainRate = ctx.state.getSampling(ctx.domain, -1) ?? 1;
  let refId = -1;
  let refRate = domainRate;
  let bad = 0;
  let badMessage = "";
  let row = first;
  let pos = start;
  // The common fields' offsets and lengths in locals: loaded once for a fixed-length template,
  // after each record's layout for a variable-length one.
  let loaded = false;
  let oSrc4 = -1, oDst4 = -1, oSrc6 = -1, oDst6 = -1, oProto = -1, oSport = -1, oDport = -1, oFlags = -1;
  let oBytes = -1, oPackets = -1, oStart = -1, oEnd = -1;
  let lSport = 0, lDport = 0, lFlags = 0, lBytes = 0, lPackets = 0;
  // the common widths, read in line below (loop-invariant branches); readUint takes the rest
  let bytes8 = false, packets8 = false, ports2 = false;
  const startMs8 = startKind === TimeKind.ms;
  const endMs8 = endKind === TimeKind.ms;
  while (end - pos >= minLength) {
    const base = pos;
    if (fixed) pos += plan.recordLength;
    else {
      pos = layoutVariableRecord(view, base, end, plan);
      if (pos < 0) {
        reject(report, "bad_length", `a variable-length field runs past the end of the set (record at offset ${base})`);
        break;
      }
    }
    if (!loaded) {
      oSrc4 = rel[Slot.src4]!; oDst4 = rel[Slot.dst4]!; oSrc6 = rel[Slot.src6]!; oDst6 = rel[Slot.dst6]!;
      oProto = rel[Slot.protocol]!; oSport = rel[Slot.srcPort]!; oDport = rel[Slot.dstPort]!; oFlags = rel[Slot.tcpFlags]!;
      const bytesSlot = rel[Slot.bytes]! >= 0 ? Slot.bytes : Slot.bytesTotal;
      const packetsSlot = rel[Slot.packets]! >= 0 ? Slot.packets : Slot.packetsTotal;
      oBytes = rel[bytesSlot]!; oPackets = rel[packetsSlot]!; oStart = rel[Slot.startMs]!; oEnd = rel[Slot.endMs]!;
      lSport = len[Slot.srcPort]!; lDport = len[Slot.dstPort]!; lFlags = len[Slot.tcpFlags]!; lBytes = len[bytesSlot]!; lPackets = len[packetsSlot]!;
      bytes8 = oBytes >= 0 && lBytes === 8;
      packets8 = oPackets >= 0 && lPackets === 8;
      ports2 = oSport >= 0 && oDport >= 0 && lSport === 2 && lDport === 2;
      loaded = fixed;
    }

    // Addresses: IPv4 unless the template has only IPv6 or its IPv4 pair is 0.0.0.0 → 0.0.0.0.
    const q = 4 * row;
    let family = 4;
    if (oSrc4 >= 0 && (oSrc6 < 0 || view.getUint32(base + oSrc4) !== 0 || view.getUint32(base + oDst4) !== 0)) {
      srcCol[q] = view.getUint32(base + oSrc4);
      dstCol[q] = view.getUint32(base + oDst4);
      srcCol[q + 1] = srcCol[q + 2] = srcCol[q + 3] = 0;
      dstCol[q + 1] = dstCol[q + 2] = dstCol[q + 3] = 0;
    } else {
      const s = base + oSrc6;
      const d = base + oDst6;
      const s0 = view.getUint32(s), s1 = view.getUint32(s + 4), s2 = view.getUint32(s + 8), s3 = view.getUint32(s + 12);
      const d0 = view.getUint32(d), d1 = view.getUint32(d + 4), d2 = view.getUint32(d + 8), d3 = view.getUint32(d + 12);
      if ((s0 | s1 | d0 | d1) === 0 && s2 === 0xffff && d2 === 0xffff) {
        // IPv4-mapped on both ends: one host, one identity (shared/flow/record.ts)
        srcCol[q] = s3;
        dstCol[q] = d3;
        srcCol[q + 1] = srcCol[q + 2] = srcCol[q + 3] = 0;
        dstCol[q + 1] = dstCol[q + 2] = dstCol[q + 3] = 0;
      } else {
        family = 6;
        srcCol[q] = s0; srcCol[q + 1] = s1; srcCol[q + 2] = s2; srcCol[q + 3] = s3;
        dstCol[q] = d0; dstCol[q + 1] = d1; dstCol[q + 2] = d2; dstCol[q + 3] = d3;
      }
    }

    // Ports, protocol, flags; ICMP type·256+code goes in the destination port.
    const protocol = oProto >= 0 ? view.getUint8(base + oProto) : 0;
    const srcPort = ports2 ? view.getUint16(base + oSport) : oSport >= 0 ? readUint(view, base + oSport, lSport) : 0;
    let dstPort = ports2 ? view.getUint16(base + oDport) : oDport >= 0 ? readUint(view, base + oDport, lDport) : 0;
    if (oDport < 0 || (dstPort === 0 && (protocol === 1 || protocol === 58))) {
      const r4c = rel[Slot.icmpTypeCode4]!;
      const r6c = rel[Slot.icmpTypeCode6]!;
      if (r4c >= 0 && (family === 4 || r6c < 0)) dstPort = readUint(view, base + r4c, len[Slot.icmpTypeCode4]!);
      else if (r6c >= 0) dstPort = readUint(view, base + r6c, len[Slot.icmpTypeCode6]!);
      else if (rel[Slot.icmpType]! >= 0) {
        const rCode = rel[Slot.icmpCode]!;
        dstPort = view.getUint8(base + rel[Slot.icmpType]!) * 256 + (rCode >= 0 ? view.getUint8(base + rCode) : 0);
      }
    }
    const tcpFlags = oFlags >= 0 ? readUint(view, base + oFlags, lFlags) & 0xff : 0;

    // Counters: delta counts, else total counts.
    const bytes = bytes8 ? readUint64(view, base + oBytes) : oBytes >= 0 ? readUint(view, base + oBytes, lBytes) : 0;
    const packets = packets8 ? readUint64(view, base + oPackets) : oPackets >= 0 ? readUint(view, base + oPackets, lPackets) : 0;

    // Times: start and end by their kinds; one missing is the other ∓ the duration (0 without one); none ends at the export time.
    let startMs = startMs8 ? readMs(view, base + oStart) : timeOf(view, base + oStart, startKind, ctx);
    let endMs = endMs8 ? readMs(view, base + oEnd) : timeOf(view, base + oEnd, endKind, ctx);
    if (bothUptime) endMs = ctx.systemInitMs + unwrapEndUptime(startMs - ctx.systemInitMs, endMs - ctx.systemInitMs);
    if (endKind === TimeKind.none || startKind === TimeKind.none) {
      const duration =
        durationKind === DurationKind.ms
          ? readUint(view, base + rel[Slot.durationMs]!, len[Slot.durationMs]!)
          : durationKind === DurationKind.us
            ? Math.floor(readUint(view, base + rel[Slot.durationUs]!, len[Slot.durationUs]!) / 1000)
            : 0;
      if (endKind !== TimeKind.none) startMs = endMs - duration;
      else if (startKind !== TimeKind.none) endMs = startMs + duration;
      else {
        endMs = ctx.exportTimeMs;
        startMs = endMs - duration;
      }
    }
    if (!(startMs >= 0 && endMs <= MAX_FLOW_TIME_MS && endMs >= startMs && endMs - startMs <= MAX_FLOW_DURATION_MS)) {
      if (bad++ === 0) badMessage = `flow times out of range or order: start ${startMs}, end ${endMs} (record at offset ${base})`;
      continue;
    }

    // Sampling: the record's own rate, else its sampler's or selector's, else the domain's.
    let rate = domainRate;
    if (samplingKind !== SamplingKind.domain) {
      if (samplingKind === SamplingKind.interval) {
        const v = readUint(view, base + rel[Slot.samplingInterval]!, len[Slot.samplingInterval]!);
        if (v >= 1) rate = v;
      } else if (samplingKind === SamplingKind.reference) {
        const id = readUint(view, base + rel[Slot.selectorId]!, len[Slot.selectorId]!);
        if (id !== refId) {
          refId = id;
          refRate = ctx.state.getSampling(ctx.domain, id) ?? domainRate;
        }
        rate = refRate;
      } else if (samplingKind === SamplingKind.packetSpace) {
        const interval = readUint(view, base + rel[Slot.packetInterval]!, len[Slot.packetInterval]!);
        const rSpace = rel[Slot.packetSpace]!;
        const space = rSpace >= 0 ? readUint(view, base + rSpace, len[Slot.packetSpace]!) : 0;
        if (interval >= 1) rate = Math.round((interval + space) / interval);
      } else {
        const size = readUint(view, base + rel[Slot.samplingSize]!, len[Slot.samplingSize]!);
        const population = readUint(view, base + rel[Slot.samplingPopulation]!, len[Slot.samplingPopulation]!);
        if (size >= 1 && population >= size) rate = Math.round(population / size);
      }
      if (rate > MAX_RATE) rate = MAX_RATE;
    }

    startCol[row] = startMs;
    endCol[row] = endMs;
    familyCol[row] = family;
    srcPortCol[row] = srcPort;
    dstPortCol[row] = dstPort;
    protocolCol[row] = protocol;
    flagsCol[row] = tcpFlags;
    packetsCol[row] = packets;
    bytesCol[row] = bytes;
    rateCol[row] = rate;
    row++;
  }
  out.length = row;
  if (bad > 0) reject(report, "bad_record", badMessage, bad);
  const accepted = row - first;
  report.accepted += accepted;
  return accepted;
}
