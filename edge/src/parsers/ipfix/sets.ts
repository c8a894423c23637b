/** @module One data set against the exporter state, and the waiting room for sets whose template or system init time is unknown. */
// Sets whose template (or, for uptime times, whose domain's systemInitTimeMilliseconds) is not known
// yet wait in ExporterState's pending buffer and are decoded when it arrives.
//
// Uptime times without a system init time: the set waits like a set without its template. If the
// options record carrying IE 160 has not come when the pending window (PENDING_MAX_AGE_MS) ends,
// the domain's init time is estimated as the set's export time minus its largest uptime (flows are
// exported when they end, so this errs by the exporter's export delay, usually seconds), stored as
// the domain's init time until a real one arrives, and the waiting sets are decoded with it: a
// little time error rather than lost traffic.
import type { FlowColumns } from "../../../../shared/flow/columns.js";
import type { ExporterState, PendingDataSet, Template } from "../exporter-state.js";
import { reject, type ParseReport } from "../types.js";
import { decodeDataSet, maxUptime } from "./data-set.js";
import { planFor } from "./decode-plan.js";
import { decodeOptionsSet } from "./options-set.js";

/** Where a data set came from: the datagram being parsed, or the pending buffer. */
export interface SetSource {
  state: ExporterState;
  domain: number;
  templateId: number;
  /** export time of the message the set came in, epoch seconds */
  exportTime: number;
  receivedAtMs: number;
}

/**
 * Decodes a data set whose template is known, or parks it. Returns the flow records appended.
 * `pending` is the set's existing buffer entry when it is being released (so parking it again
 * keeps its age and is not counted as newly buffered).
 */
export function decodeSet(view: DataView, start: number, end: number, template: Template, src: SetSource, out: FlowColumns, report: ParseReport, pending?: PendingDataSet): number {
  const plan = planFor(template);
  const { state, domain } = src;
  if (template.kind === "options") {
    const { systemInitChanged } = decodeOptionsSet(view, start, end, plan, state, domain, report);
    if (systemInitChanged) releaseWaitingForInit(state, domain, out, report);
    return 0;
  }
  const systemInitMs = plan.needsSystemInit ? state.getSystemInitMs(domain) : undefined;
  if (plan.needsSystemInit && systemInitMs === undefined) {
    park(view, start, end, src, report, pending);
    return 0;
  }
  return decodeDataSet(view, start, end, plan, { state, domain, exportTimeMs: src.exportTime * 1000, systemInitMs: systemInitMs ?? NaN }, out, report);
}

/** Puts a set in the pending buffer (a copy of its bytes), reporting overflow. */
export function park(view: DataView, start: number, end: number, src: SetSource, report: ParseReport, pending?: PendingDataSet): void {
  const set: PendingDataSet = pending ?? {
    domain: src.domain,
    templateId: src.templateId,
    receivedAtMs: src.receivedAtMs,
    header: { exportTime: src.exportTime },
    bytes: new Uint8Array(view.buffer, view.byteOffset + start, end - start).slice(),
  };
  if (!pending) report.buffered += 1;
  const dropped = src.state.addPending(set);
  if (dropped > 0) reject(report, "pending_overflow", `pending buffer full: dropped the ${dropped} oldest waiting data set(s)`, dropped);
}

function decodePending(set: PendingDataSet, template: Template, state: ExporterState, out: FlowColumns, report: ParseReport): void {
  const view = new DataView(set.bytes.buffer, set.bytes.byteOffset, set.bytes.byteLength);
  const src: SetSource = { state, domain: set.domain, templateId: set.templateId, exportTime: set.header.exportTime ?? 0, receivedAtMs: set.receivedAtMs };
  // Not `report.released += decodeSet(…)`: decodeSet may release other sets (and add to released) itself.
  const decoded = decodeSet(view, 0, set.bytes.length, template, src, out, report, set);
  report.released += decoded;
}

/** Decodes the sets that waited for this template (call after storing it). */
export function releaseForTemplate(state: ExporterState, template: Template, out: FlowColumns, report: ParseReport): void {
  if (state.pendingCount() === 0) return;
  for (const set of state.takePending(template.domain, template.id)) decodePending(set, template, state, out, report);
}

/** Decodes the sets of a domain that waited for its system init time (call after it was set). */
export function releaseWaitingForInit(state: ExporterState, domain: number, out: FlowColumns, report: ParseReport): void {
  if (state.pendingCount() === 0) return;
  const ids = new Set<number>();
  for (const set of state.snapshot().pending) if (set.domain === domain) ids.add(set.templateId);
  for (const id of ids) {
    const template = state.getTemplate(domain, id);
    if (template && template.kind === "data" && planFor(template).needsSystemInit) releaseForTemplate(state, template, out, report);
  }
}

/**
 * Ends the wait of sets older than the pending window: those still without a template are
 * reported as template_expired; those that waited for a system init time are decoded with an
 * estimated one (see the module comment).
 */
export function expireWaiting(state: ExporterState, nowMs: number, out: FlowColumns, report: ParseReport): void {
  if (state.pendingCount() === 0) return;
  for (const set of state.expirePending(nowMs)) {
    const template = state.getTemplate(set.domain, set.templateId);
    if (!template) {
      reject(report, "template_expired", `data set for template ${set.templateId} (domain ${set.domain}) waited more than the pending window for its template`);
      continue;
    }
    const plan = planFor(template);
    if (template.kind === "data" && plan.needsSystemInit && state.getSystemInitMs(set.domain) === undefined) {
      const view = new DataView(set.bytes.buffer, set.bytes.byteOffset, set.bytes.byteLength);
      const uptime = maxUptime(view, 0, set.bytes.length, plan);
      if (uptime >= 0) {
        state.setSystemInitMs(set.domain, (set.header.exportTime ?? 0) * 1000 - uptime);
        releaseWaitingForInit(state, set.domain, out, report);
      }
    }
    if (state.getSystemInitMs(set.domain) === undefined && plan.needsSystemInit) {
      reject(report, "template_expired", `data set for template ${set.templateId} (domain ${set.domain}) waited more than the pending window for systemInitTimeMilliseconds`);
      continue;
    }
    decodePending(set, template, state, out, report);
  }
}
