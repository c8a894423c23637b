/** @module The IPFIX message header (RFC 7011 §3.1) and set header (§3.3.2): layout, reading and writing. */

export const IPFIX_VERSION = 10;
export const MESSAGE_HEADER_LENGTH = 16;
export const SET_HEADER_LENGTH = 4;
/** Set ids: 2 templates, 3 options templates, ≥ 256 data sets (the template id); 0, 1 and 4..255 are not used. */
export const TEMPLATE_SET_ID = 2;
export const OPTIONS_TEMPLATE_SET_ID = 3;
export const MIN_DATA_SET_ID = 256;
/** The largest message the 16-bit length field can describe. */
export const MAX_MESSAGE_LENGTH = 65535;

export interface MessageHeader {
  version: number;
  /** total message length in bytes, header included */
  length: number;
  /** export time, epoch seconds */
  exportTime: number;
  sequence: number;
  domain: number;
}

/** Reads the header fields; the caller has checked that 16 bytes are present. */
export function readMessageHeader(view: DataView, offset: number): MessageHeader {
  return {
    version: view.getUint16(offset),
    length: view.getUint16(offset + 2),
    exportTime: view.getUint32(offset + 4),
    sequence: view.getUint32(offset + 8),
    domain: view.getUint32(offset + 12),
  };
}

export function writeMessageHeader(view: DataView, offset: number, h: Omit<MessageHeader, "version">): void {
  view.setUint16(offset, IPFIX_VERSION);
  view.setUint16(offset + 2, h.length);
  view.setUint32(offset + 4, h.exportTime);
  view.setUint32(offset + 8, h.sequence);
  view.setUint32(offset + 12, h.domain);
}
