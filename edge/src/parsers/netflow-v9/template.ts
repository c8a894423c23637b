/** @module NetFlow v9 template and options template flowsets (RFC 3954 §5.2, §6.1): parsing, checks, storing per source id. */
import type { ExporterState, Template, TemplateField } from "../exporter-state.js";
import { reject, type ParseReport } from "../types.js";
import { MIN_DATA_FLOWSET_ID } from "./header.js";

/** A record must fit in one flowset, whose length is a u16 that includes its 4-byte header. */
export const MAX_RECORD_BYTES = 0xffff - 4;
/**
 * Fields per template. RFC 3954 sets no limit; real templates have tens. The cap bounds an exporter's state:
 * MAX_TEMPLATES templates of up to 256 fields each, instead of 16 000-field templates filling memory.
 */
export const MAX_TEMPLATE_FIELDS = 256;

function allZero(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 0) return false;
  return true;
}

/** Reads `count` (type, length) pairs at `o`; returns the fields and their total length. */
function readFields(dv: DataView, o: number, count: number): { fields: TemplateField[]; recordLength: number } {
  const fields: TemplateField[] = [];
  let recordLength = 0;
  for (let i = 0; i < count; i++, o += 4) {
    const length = dv.getUint16(o + 2);
    fields.push({ id: dv.getUint16(o), length, enterprise: 0 });
    recordLength += length;
  }
  return { fields, recordLength };
}

function checkTemplate(t: Template, report: ParseReport): boolean {
  if (t.fields.length > MAX_TEMPLATE_FIELDS) {
    reject(report, "bad_template", `NetFlow v9: template ${t.id} has ${t.fields.length} fields, more than ${MAX_TEMPLATE_FIELDS}`);
    return false;
  }
  if (t.recordLength === 0) {
    reject(report, "bad_template", `NetFlow v9: template ${t.id} has a zero-length record`);
    return false;
  }
  if (t.recordLength > MAX_RECORD_BYTES) {
    reject(report, "bad_template", `NetFlow v9: template ${t.id} has ${t.recordLength}-byte records, more than a flowset can hold`);
    return false;
  }
  return true;
}

/**
 * Templates of a template flowset (id 0) whose body is b[start, end). Bad ones are reported as
 * bad_template; a field count that runs past the flowset ends it. Trailing zero bytes are padding.
 */
export function parseTemplateFlowset(b: Uint8Array, dv: DataView, start: number, end: number, domain: number, report: ParseReport): Template[] {
  const out: Template[] = [];
  for (let o = start; o + 4 <= end; ) {
    const id = dv.getUint16(o);
    const count = dv.getUint16(o + 2);
    if (id < MIN_DATA_FLOWSET_ID) {
      if (!allZero(b, o, end)) reject(report, "bad_template", `NetFlow v9: template id ${id} is reserved (< 256)`);
      break;
    }
    if (o + 4 + 4 * count > end) {
      reject(report, "bad_template", `NetFlow v9: template ${id} declares ${count} fields, past the end of its flowset`);
      break;
    }
    if (count === 0) {
      reject(report, "bad_template", `NetFlow v9: template ${id} has no fields`);
      o += 4;
      continue;
    }
    const { fields, recordLength } = readFields(dv, o + 4, count);
    o += 4 + 4 * count;
    const t: Template = { domain, id, kind: "data", scopeFieldCount: 0, fields, recordLength };
    if (checkTemplate(t, report)) out.push(t);
  }
  return out;
}

/**
 * Options templates of an options template flowset (id 1): template id, scope length and option length
 * in bytes, then the scope fields and the option fields. Ends at padding (fewer than 6 bytes, or zeros).
 */
export function parseOptionsTemplateFlowset(b: Uint8Array, dv: DataView, start: number, end: number, domain: number, report: ParseReport): Template[] {
  const out: Template[] = [];
  for (let o = start; o + 6 <= end; ) {
    const id = dv.getUint16(o);
    const scopeBytes = dv.getUint16(o + 2);
    const optionBytes = dv.getUint16(o + 4);
    if (id < MIN_DATA_FLOWSET_ID) {
      if (!allZero(b, o, end)) reject(report, "bad_template", `NetFlow v9: options template id ${id} is reserved (< 256)`);
      break;
    }
    if (scopeBytes % 4 !== 0 || optionBytes % 4 !== 0 || o + 6 + scopeBytes + optionBytes > end) {
      reject(report, "bad_template", `NetFlow v9: options template ${id} has scope/option lengths ${scopeBytes}/${optionBytes} that do not fit its flowset`);
      break;
    }
    const scopeFieldCount = scopeBytes / 4;
    const count = scopeFieldCount + optionBytes / 4;
    if (count === 0) {
      reject(report, "bad_template", `NetFlow v9: options template ${id} has no fields`);
      o += 6;
      continue;
    }
    const { fields, recordLength } = readFields(dv, o + 6, count);
    o += 6 + 4 * count;
    const t: Template = { domain, id, kind: "options", scopeFieldCount, fields, recordLength };
    if (checkTemplate(t, report)) out.push(t);
  }
  return out;
}

function sameTemplate(a: Template, b: Template): boolean {
  if (a.kind !== b.kind || a.scopeFieldCount !== b.scopeFieldCount || a.fields.length !== b.fields.length) return false;
  for (let i = 0; i < a.fields.length; i++) {
    const fa = a.fields[i]!;
    const fb = b.fields[i]!;
    if (fa.id !== fb.id || fa.length !== fb.length) return false;
  }
  return true;
}

/**
 * Stores a template unless an identical one is already there (exporters resend templates every few
 * packets; keeping the stored object keeps its cached decode plan and leaves the state clean).
 * False when the exporter is at its template limit (reported as bad_template).
 */
export function storeTemplate(state: ExporterState, t: Template, report: ParseReport): boolean {
  const old = state.getTemplate(t.domain, t.id);
  if (old !== undefined && sameTemplate(old, t)) return true;
  if (state.setTemplate(t)) return true;
  reject(report, "bad_template", `NetFlow v9: template ${t.id} dropped, the exporter already has ${state.templateCount()} templates`);
  return false;
}
