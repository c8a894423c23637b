/**
 * @module The NetFlow v9 parser (RFC 3954): header, then flowsets — templates (id 0) and options
 * templates (id 1) into the exporter's state, data (id ≥ 256) decoded with the template's cached plan,
 * or kept until the template arrives (at most PENDING_MAX_AGE_MS, PENDING_MAX_BYTES per exporter).
 *
 * Times: absolute = unix_secs·1000 − (sysUptime − FIRST/LAST_SWITCHED), uint32 wrap handled. v9's header
 * has whole seconds only, so uptime-based times are up to 1 s earlier than the exporter's clock
 * (absolute time fields, e.g. flowStartMilliseconds 152/153, are exact and preferred when present).
 */
import type { FlowColumns } from "../../../../shared/flow/columns.js";
import { PENDING_MAX_AGE_MS, type ExporterState, type PendingDataSet, type Template } from "../exporter-state.js";
import { reject, type Datagram, type DatagramParser, type ParseReport } from "../types.js";
import { decodeDataRecords, type SetContext } from "./decode-data.js";
import { applyOptionsRecords } from "./decode-options.js";
import { planFor } from "./decode-plan.js";
import * as H from "./header.js";
import { parseOptionsTemplateFlowset, parseTemplateFlowset, storeTemplate } from "./template.js";

export const netflowV9: DatagramParser = {
  name: "netflow-v9",
  parseDatagram(datagram: Datagram, state: ExporterState, out: FlowColumns, report: ParseReport): void {
    if (state.pendingCount() > 0) {
      for (const set of state.expirePending(datagram.receivedAtMs)) {
        reject(report, "template_expired", `NetFlow v9: a data flowset for template ${set.templateId} (source id ${set.domain}) waited over ${PENDING_MAX_AGE_MS / 1000} s for its template`);
      }
    }
    const b = datagram.bytes;
    if (b.length < H.V9_HEADER_BYTES) {
      reject(report, "truncated", `NetFlow v9: ${b.length} bytes, shorter than the 20-byte header`);
      return;
    }
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const version = dv.getUint16(H.H_VERSION);
    if (version !== H.V9_VERSION) {
      reject(report, "bad_version", `NetFlow v9: version field is ${version}`);
      return;
    }
    const sysUptime = dv.getUint32(H.H_SYS_UPTIME);
    const unixSecs = dv.getUint32(H.H_UNIX_SECS);
    const domain = dv.getUint32(H.H_SOURCE_ID);
    const ctx: SetContext = { templateId: 0, domain, exportMs: unixSecs * 1000, sysUptime, state };

    // Flowsets; 1..3 trailing bytes after the last one are ignored (datagram padding).
    for (let o = H.V9_HEADER_BYTES; o + H.FLOWSET_HEADER_BYTES <= b.length; ) {
      const id = dv.getUint16(o);
      const length = dv.getUint16(o + 2);
      if (length < H.FLOWSET_HEADER_BYTES || o + length > b.length) {
        reject(report, "bad_length", `NetFlow v9: flowset ${id} at byte ${o} has length ${length}, past the datagram's ${b.length} bytes`);
        return;
      }
      const start = o + H.FLOWSET_HEADER_BYTES;
      const end = o + length;
      o = end;
      if (id === H.TEMPLATE_FLOWSET_ID || id === H.OPTIONS_TEMPLATE_FLOWSET_ID) {
        const parse = id === H.TEMPLATE_FLOWSET_ID ? parseTemplateFlowset : parseOptionsTemplateFlowset;
        for (const t of parse(b, dv, start, end, domain, report)) {
          if (storeTemplate(state, t, report)) releasePending(state.getTemplate(domain, t.id)!, state, out, report);
        }
      } else if (id >= H.MIN_DATA_FLOWSET_ID) {
        const t = state.getTemplate(domain, id);
        ctx.templateId = id;
        if (t !== undefined) decodeSet(t, b, dv, start, end, ctx, out, report);
        else if (end > start) bufferSet(state, { domain, templateId: id, receivedAtMs: datagram.receivedAtMs, header: { sysUptime, unixSecs }, bytes: b.slice(start, end) }, report);
      }
      // ids 2..255 are reserved: skipped
    }
  },
};

/** Decodes one flowset with its template: flows for a data template, sampling for an options template. */
function decodeSet(t: Template, b: Uint8Array, dv: DataView, start: number, end: number, ctx: SetContext, out: FlowColumns, report: ParseReport): number {
  const plan = planFor(t);
  if (plan.kind === "options") {
    applyOptionsRecords(plan, dv, start, end, ctx.domain, ctx.state);
    return 0;
  }
  return decodeDataRecords(plan, b, dv, start, end, ctx, out, report);
}

function bufferSet(state: ExporterState, set: PendingDataSet, report: ParseReport): void {
  report.buffered += 1;
  const dropped = state.addPending(set);
  if (dropped > 0) reject(report, "pending_overflow", `NetFlow v9: ${dropped} waiting data flowsets dropped, the exporter's pending buffer is full`, dropped);
}

/** Decodes the flowsets that were waiting for template `t`, with their own packets' clocks. */
function releasePending(t: Template, state: ExporterState, out: FlowColumns, report: ParseReport): void {
  if (state.pendingCount() === 0) return;
  for (const set of state.takePending(t.domain, t.id)) {
    const b = set.bytes;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const ctx: SetContext = {
      templateId: t.id,
      domain: t.domain,
      exportMs: (set.header.unixSecs ?? 0) * 1000,
      sysUptime: set.header.sysUptime ?? 0,
      state,
    };
    report.released += decodeSet(t, b, dv, 0, b.length, ctx, out, report);
  }
}
