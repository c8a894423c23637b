/** @module The NetFlow v5 wire layout: a 24-byte header and up to 30 fixed 48-byte records, all big-endian. */

export const V5_VERSION = 5;
export const V5_HEADER_BYTES = 24;
export const V5_RECORD_BYTES = 48;
/** Cisco's limit per datagram (24 + 30·48 = 1464 bytes). */
export const V5_MAX_RECORDS = 30;

/** Header field offsets. */
export const H_VERSION = 0; // u16
export const H_COUNT = 2; // u16
export const H_SYS_UPTIME = 4; // u32, ms since the exporter booted
export const H_UNIX_SECS = 8; // u32, export time
export const H_UNIX_NSECS = 12; // u32, export time's sub-second part
export const H_FLOW_SEQUENCE = 16; // u32, flows exported before this datagram
export const H_ENGINE_TYPE = 20; // u8
export const H_ENGINE_ID = 21; // u8
export const H_SAMPLING = 22; // u16: top 2 bits mode, low 14 bits interval (0 = unsampled)

/** Record field offsets, relative to the record. */
export const R_SRC_ADDR = 0; // u32
export const R_DST_ADDR = 4; // u32
export const R_NEXT_HOP = 8; // u32
export const R_INPUT = 12; // u16 ifIndex
export const R_OUTPUT = 14; // u16 ifIndex
export const R_PACKETS = 16; // u32
export const R_BYTES = 20; // u32 (layer-3 octets)
export const R_FIRST = 24; // u32 sysUptime at the first packet
export const R_LAST = 28; // u32 sysUptime at the last packet
export const R_SRC_PORT = 32; // u16
export const R_DST_PORT = 34; // u16 (ICMP: type·256 + code)
export const R_TCP_FLAGS = 37; // u8 (36 is padding)
export const R_PROTOCOL = 38; // u8
export const R_TOS = 39; // u8
export const R_SRC_AS = 40; // u16
export const R_DST_AS = 42; // u16
export const R_SRC_MASK = 44; // u8
export const R_DST_MASK = 45; // u8 (46..47 padding)

/** Sampling field: interval mask and mode shift. */
export const SAMPLING_INTERVAL_MASK = 0x3fff;
export const SAMPLING_MODE_SHIFT = 14;
