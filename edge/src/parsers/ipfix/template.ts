/** @module Reads IPFIX template and options template sets (RFC 7011 §3.4) into Template objects, withdrawals and problems. */
import type { Template, TemplateField } from "../exporter-state.js";
import { MAX_MESSAGE_LENGTH, MESSAGE_HEADER_LENGTH, MIN_DATA_SET_ID, OPTIONS_TEMPLATE_SET_ID, SET_HEADER_LENGTH } from "./header.js";
import { VARIABLE_LENGTH } from "./ie.js";

/** The largest data record that fits in one message beside the message and set headers. */
export const MAX_RECORD_LENGTH = MAX_MESSAGE_LENGTH - MESSAGE_HEADER_LENGTH - SET_HEADER_LENGTH;

export type TemplateItem =
  | { kind: "template"; template: Template }
  /** `id` 2 or 3 (the set id) withdraws all templates (of that kind) of the domain */
  | { kind: "withdraw"; id: number }
  | { kind: "bad"; message: string };

/**
 * The records of one template set (`setId` 2) or options template set (3) in `[start, end)`.
 * Stops at the first record it cannot delimit (its length would be unknown); trailing bytes too
 * short for a record header, or a zero header, are padding.
 */
export function readTemplateSet(view: DataView, start: number, end: number, setId: number, domain: number): TemplateItem[] {
  const items: TemplateItem[] = [];
  const options = setId === OPTIONS_TEMPLATE_SET_ID;
  let pos = start;
  while (end - pos >= 4) {
    const id = view.getUint16(pos);
    const count = view.getUint16(pos + 2);
    pos += 4;
    if (count === 0) {
      if (id === 0) break; // padding
      if (id === setId || id >= MIN_DATA_SET_ID) items.push({ kind: "withdraw", id });
      else items.push({ kind: "bad", message: `withdrawal of reserved template id ${id}` });
      continue;
    }
    if (id < MIN_DATA_SET_ID) {
      items.push({ kind: "bad", message: `template id ${id} is reserved (< 256)` });
      break;
    }
    let scopeFieldCount = 0;
    if (options) {
      if (end - pos < 2) {
        items.push({ kind: "bad", message: `options template ${id} ends inside its header` });
        break;
      }
      scopeFieldCount = view.getUint16(pos);
      pos += 2;
      if (scopeFieldCount === 0 || scopeFieldCount > count) {
        items.push({ kind: "bad", message: `options template ${id}: scope field count ${scopeFieldCount} of ${count} fields` });
        break;
      }
    }
    const fields: TemplateField[] = [];
    let recordLength = 0;
    let variable = false;
    let ok = true;
    for (let i = 0; i < count; i++) {
      if (end - pos < 4) {
        ok = false;
        break;
      }
      let fieldId = view.getUint16(pos);
      const length = view.getUint16(pos + 2);
      pos += 4;
      let enterprise = 0;
      if (fieldId & 0x8000) {
        if (end - pos < 4) {
          ok = false;
          break;
        }
        enterprise = view.getUint32(pos);
        fieldId &= 0x7fff;
        pos += 4;
      }
      fields.push({ id: fieldId, length, enterprise });
      if (length === VARIABLE_LENGTH) {
        variable = true;
        recordLength += 1; // at least the 1-byte length prefix
      } else recordLength += length;
    }
    if (!ok) {
      items.push({ kind: "bad", message: `template ${id}: ${count} fields run past the set end` });
      break;
    }
    if (recordLength === 0) {
      items.push({ kind: "bad", message: `template ${id}: records would be 0 bytes long` });
      continue;
    }
    if (recordLength > MAX_RECORD_LENGTH) {
      items.push({ kind: "bad", message: `template ${id}: records of ${recordLength} bytes cannot fit in a message` });
      continue;
    }
    items.push({
      kind: "template",
      template: { domain, id, kind: options ? "options" : "data", scopeFieldCount, fields, recordLength: variable ? -1 : recordLength },
    });
  }
  return items;
}
