/** @module The IPFIX (RFC 7011) datagram parser: one message per datagram, its sets decoded in order against the exporter state. */
// Sets are templates (2), options templates (3) and data (≥ 256); ids 0, 1 and 4..255 are skipped.
// Workers-safe: DataView and typed arrays only, no Node built-ins, no eval.
import type { FlowColumns } from "../../../../shared/flow/columns.js";
import type { ExporterState, Template } from "../exporter-state.js";
import { reject, type Datagram, type DatagramParser, type ParseReport } from "../types.js";
import { IPFIX_VERSION, MESSAGE_HEADER_LENGTH, MIN_DATA_SET_ID, OPTIONS_TEMPLATE_SET_ID, SET_HEADER_LENGTH, TEMPLATE_SET_ID } from "./header.js";
import { decodeSet, expireWaiting, park, releaseForTemplate, type SetSource } from "./sets.js";
import { readTemplateSet } from "./template.js";

function sameTemplate(a: Template, b: Template): boolean {
  if (a.kind !== b.kind || a.scopeFieldCount !== b.scopeFieldCount || a.fields.length !== b.fields.length) return false;
  for (let i = 0; i < a.fields.length; i++) {
    const x = a.fields[i]!;
    const y = b.fields[i]!;
    if (x.id !== y.id || x.length !== y.length || x.enterprise !== y.enterprise) return false;
  }
  return true;
}

function templateSet(view: DataView, start: number, end: number, setId: number, src: SetSource, out: FlowColumns, report: ParseReport): void {
  const { state, domain } = src;
  for (const item of readTemplateSet(view, start, end, setId, domain)) {
    if (item.kind === "bad") reject(report, "bad_template", item.message);
    else if (item.kind === "withdraw") {
      if (item.id === TEMPLATE_SET_ID) state.deleteDomainTemplates(domain, "data");
      else if (item.id === OPTIONS_TEMPLATE_SET_ID) state.deleteDomainTemplates(domain, "options");
      else state.deleteTemplate(domain, item.id);
    } else {
      const t = item.template;
      const old = state.getTemplate(domain, t.id);
      if (old && sameTemplate(old, t)) continue; // periodic re-announcement: keep the object and its cached plan
      if (!state.setTemplate(t)) {
        reject(report, "bad_template", `template ${t.id}: the exporter already has the maximum number of templates`);
        continue;
      }
      releaseForTemplate(state, t, out, report);
    }
  }
}

function parseDatagram(datagram: Datagram, state: ExporterState, out: FlowColumns, report: ParseReport): void {
  expireWaiting(state, datagram.receivedAtMs, out, report);
  const bytes = datagram.bytes;
  if (bytes.length < MESSAGE_HEADER_LENGTH) {
    reject(report, "truncated", `datagram of ${bytes.length} bytes is shorter than the IPFIX message header`);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(0);
  if (version !== IPFIX_VERSION) {
    reject(report, "bad_version", `version ${version} is not IPFIX (10)`);
    return;
  }
  const length = view.getUint16(2);
  if (length !== bytes.length) {
    reject(report, "bad_length", `message length ${length} but the datagram has ${bytes.length} bytes`);
    return;
  }
  const src: SetSource = { state, domain: view.getUint32(12), templateId: 0, exportTime: view.getUint32(4), receivedAtMs: datagram.receivedAtMs };
  let pos = MESSAGE_HEADER_LENGTH;
  while (pos < length) {
    if (length - pos < SET_HEADER_LENGTH) {
      reject(report, "bad_length", `${length - pos} bytes after the last set are too few for a set header`);
      return;
    }
    const setId = view.getUint16(pos);
    const setLength = view.getUint16(pos + 2);
    if (setLength < SET_HEADER_LENGTH || pos + setLength > length) {
      reject(report, "bad_length", `set ${setId} at offset ${pos} has length ${setLength}, the message ends at ${length}`);
      return;
    }
    const start = pos + SET_HEADER_LENGTH;
    const end = pos + setLength;
    pos = end;
    if (setId === TEMPLATE_SET_ID || setId === OPTIONS_TEMPLATE_SET_ID) templateSet(view, start, end, setId, src, out, report);
    else if (setId >= MIN_DATA_SET_ID) {
      src.templateId = setId;
      const template = state.getTemplate(src.domain, setId);
      if (template) decodeSet(view, start, end, template, src, out, report);
      else if (end > start) park(view, start, end, src, report);
    }
    // set ids 0, 1 and 4..255 are reserved: skipped (RFC 7011 §3.3.2)
  }
}

/** The IPFIX parser. */
export const ipfix: DatagramParser = { name: "ipfix", parseDatagram };
