/** @module Low-level IPFIX writers: template records, sets and whole messages from parts (used by the encoder and by tests that need hand-made messages). */
import type { TemplateField } from "../exporter-state.js";
import { MAX_MESSAGE_LENGTH, MESSAGE_HEADER_LENGTH, OPTIONS_TEMPLATE_SET_ID, SET_HEADER_LENGTH, TEMPLATE_SET_ID, writeMessageHeader } from "./header.js";

/** A field to write: an IANA element (enterprise 0) unless `enterprise` is given. */
export type FieldSpec = Pick<TemplateField, "id" | "length"> & { enterprise?: number };

export interface TemplateSpec {
  id: number;
  fields: FieldSpec[];
  /** options templates only: how many leading fields are scope fields (≥ 1) */
  scopeFieldCount?: number;
}

function fieldsLength(fields: FieldSpec[]): number {
  return fields.reduce((n, f) => n + (f.enterprise ? 8 : 4), 0);
}

/** One template record (or options template record when `scopeFieldCount` is set). A record with no fields is a withdrawal. */
export function buildTemplateRecord(spec: TemplateSpec): Uint8Array {
  const options = spec.scopeFieldCount !== undefined && spec.fields.length > 0;
  const bytes = new Uint8Array(4 + (options ? 2 : 0) + fieldsLength(spec.fields));
  const view = new DataView(bytes.buffer);
  view.setUint16(0, spec.id);
  view.setUint16(2, spec.fields.length);
  let pos = 4;
  if (options) {
    view.setUint16(pos, spec.scopeFieldCount!);
    pos += 2;
  }
  for (const f of spec.fields) {
    view.setUint16(pos, f.enterprise ? f.id | 0x8000 : f.id);
    view.setUint16(pos + 2, f.length);
    pos += 4;
    if (f.enterprise) {
      view.setUint32(pos, f.enterprise);
      pos += 4;
    }
  }
  return bytes;
}

/** A set: header (id, length) then the parts, then `padding` zero bytes. */
export function buildSet(id: number, parts: Uint8Array[], padding = 0): Uint8Array {
  const length = SET_HEADER_LENGTH + parts.reduce((n, p) => n + p.length, 0) + padding;
  if (length > MAX_MESSAGE_LENGTH - MESSAGE_HEADER_LENGTH) throw new RangeError(`set ${id} of ${length} bytes does not fit in a message`);
  const bytes = new Uint8Array(length);
  new DataView(bytes.buffer).setUint16(0, id);
  new DataView(bytes.buffer).setUint16(2, length);
  let pos = SET_HEADER_LENGTH;
  for (const p of parts) {
    bytes.set(p, pos);
    pos += p.length;
  }
  return bytes;
}

export const buildTemplateSet = (templates: TemplateSpec[]): Uint8Array => buildSet(TEMPLATE_SET_ID, templates.map(buildTemplateRecord));
export const buildOptionsTemplateSet = (templates: TemplateSpec[]): Uint8Array => buildSet(OPTIONS_TEMPLATE_SET_ID, templates.map(buildTemplateRecord));

export interface MessageSpec {
  domain: number;
  /** epoch seconds */
  exportTime: number;
  sequence: number;
}

/** A whole message: the 16-byte header and the given sets. */
export function buildMessage(spec: MessageSpec, sets: Uint8Array[]): Uint8Array {
  const length = MESSAGE_HEADER_LENGTH + sets.reduce((n, s) => n + s.length, 0);
  if (length > MAX_MESSAGE_LENGTH) throw new RangeError(`message of ${length} bytes exceeds ${MAX_MESSAGE_LENGTH}`);
  const bytes = new Uint8Array(length);
  writeMessageHeader(new DataView(bytes.buffer), 0, { length, exportTime: spec.exportTime >>> 0, sequence: spec.sequence >>> 0, domain: spec.domain >>> 0 });
  let pos = MESSAGE_HEADER_LENGTH;
  for (const s of sets) {
    bytes.set(s, pos);
    pos += s.length;
  }
  return bytes;
}
