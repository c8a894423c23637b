/** @module NetFlow v9 field type numbers (RFC 3954 §8; 100+ shared with IPFIX IANA elements) used by the decoder and encoder. */

export const IN_BYTES = 1;
export const IN_PKTS = 2;
export const PROTOCOL = 4;
export const TCP_FLAGS = 6;
export const L4_SRC_PORT = 7;
export const IPV4_SRC_ADDR = 8;
export const L4_DST_PORT = 11;
export const IPV4_DST_ADDR = 12;
export const LAST_SWITCHED = 21;
export const FIRST_SWITCHED = 22;
export const OUT_BYTES = 23;
export const OUT_PKTS = 24;
export const IPV6_SRC_ADDR = 27;
export const IPV6_DST_ADDR = 28;
/** type·256 + code, 2 bytes */
export const ICMP_TYPE = 32;
export const SAMPLING_INTERVAL = 34;
export const SAMPLING_ALGORITHM = 35;
export const FLOW_SAMPLER_ID = 48;
export const FLOW_SAMPLER_MODE = 49;
export const FLOW_SAMPLER_RANDOM_INTERVAL = 50;
/** IPFIX icmpTypeCodeIPv6, which softflowd also puts in v9 templates */
export const ICMP_TYPE_CODE_IPV6 = 139;
export const FLOW_START_SECONDS = 150;
export const FLOW_END_SECONDS = 151;
export const FLOW_START_MILLISECONDS = 152;
export const FLOW_END_MILLISECONDS = 153;
/** NTP 64-bit timestamps (seconds since 1900 + 2^-32 fractions) */
export const FLOW_START_MICROSECONDS = 154;
export const FLOW_END_MICROSECONDS = 155;
export const FLOW_START_NANOSECONDS = 156;
export const FLOW_END_NANOSECONDS = 157;
/** µs before the export time */
export const FLOW_START_DELTA_MICROSECONDS = 158;
export const FLOW_END_DELTA_MICROSECONDS = 159;
/** separate ICMP type and code bytes */
export const ICMP_TYPE_IPV4 = 176;
export const ICMP_CODE_IPV4 = 177;
export const ICMP_TYPE_IPV6 = 178;
export const ICMP_CODE_IPV6 = 179;
/** a single point in time, used for both ends when a record has no start/end fields (e.g. NAT events) */
export const OBSERVATION_TIME_SECONDS = 322;
export const OBSERVATION_TIME_MILLISECONDS = 323;
export const OBSERVATION_TIME_MICROSECONDS = 324;
export const OBSERVATION_TIME_NANOSECONDS = 325;

/** Options scope field types (RFC 3954 §6.1): their numbers overlap data field types, so they are kept apart. */
export const SCOPE_SYSTEM = 1;
export const SCOPE_INTERFACE = 2;
