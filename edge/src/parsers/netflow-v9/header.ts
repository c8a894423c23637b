/** @module The NetFlow v9 packet header (RFC 3954 §5.1): 20 bytes, big-endian, then flowsets. */

export const V9_VERSION = 9;
export const V9_HEADER_BYTES = 20;
/** Every flowset starts with id (u16) and length (u16, including these 4 bytes). */
export const FLOWSET_HEADER_BYTES = 4;
export const TEMPLATE_FLOWSET_ID = 0;
export const OPTIONS_TEMPLATE_FLOWSET_ID = 1;
/** Flowset ids below this are reserved; from it on they name the template of a data flowset. */
export const MIN_DATA_FLOWSET_ID = 256;

export const H_VERSION = 0; // u16
export const H_COUNT = 2; // u16, records (template, options and data) in the packet
export const H_SYS_UPTIME = 4; // u32, ms since the exporter booted
export const H_UNIX_SECS = 8; // u32, export time (whole seconds: no sub-second field in v9)
export const H_SEQUENCE = 12; // u32, packet sequence per source id
export const H_SOURCE_ID = 16; // u32, the exporter's observation domain

/** What decoding data needs from its packet header; also what a data flowset waiting for its template keeps. */
export interface V9PacketTimes {
  sysUptime: number;
  unixSecs: number;
}
