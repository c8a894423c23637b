/** @module IANA IPFIX Information Element ids the parser and encoder use (RFC 7012 registry), and the decode-plan slots they fill. */

/** Information Element ids (enterprise 0). */
export const IE = {
  octetDeltaCount: 1,
  packetDeltaCount: 2,
  protocolIdentifier: 4,
  tcpControlBits: 6,
  sourceTransportPort: 7,
  sourceIPv4Address: 8,
  destinationTransportPort: 11,
  destinationIPv4Address: 12,
  flowEndSysUpTime: 21,
  flowStartSysUpTime: 22,
  sourceIPv6Address: 27,
  destinationIPv6Address: 28,
  icmpTypeCodeIPv4: 32,
  samplingInterval: 34,
  samplingAlgorithm: 35,
  samplerId: 48,
  samplerRandomInterval: 50,
  flowDirection: 61,
  octetTotalCount: 85,
  packetTotalCount: 86,
  icmpTypeCodeIPv6: 139,
  observationDomainId: 149,
  flowStartSeconds: 150,
  flowEndSeconds: 151,
  flowStartMilliseconds: 152,
  flowEndMilliseconds: 153,
  flowStartMicroseconds: 154,
  flowEndMicroseconds: 155,
  flowStartNanoseconds: 156,
  flowEndNanoseconds: 157,
  flowStartDeltaMicroseconds: 158,
  flowEndDeltaMicroseconds: 159,
  systemInitTimeMilliseconds: 160,
  flowDurationMilliseconds: 161,
  flowDurationMicroseconds: 162,
  icmpTypeIPv4: 176,
  icmpCodeIPv4: 177,
  icmpTypeIPv6: 178,
  icmpCodeIPv6: 179,
  selectorId: 302,
  selectorAlgorithm: 304,
  samplingPacketInterval: 305,
  samplingPacketSpace: 306,
  samplingSize: 309,
  samplingPopulation: 310,
} as const;

/** Template field length that marks a variable-length field (RFC 7011 §7). */
export const VARIABLE_LENGTH = 65535;

/**
 * Where a decode plan keeps each field it reads: slot s has its offset (relative to the record
 * start) at `rel[s]` and its length at `len[s]`; offset -1 means the template lacks it.
 */
export const Slot = {
  src4: 0,
  dst4: 1,
  src6: 2,
  dst6: 3,
  srcPort: 4,
  dstPort: 5,
  protocol: 6,
  tcpFlags: 7,
  icmpTypeCode4: 8,
  icmpTypeCode6: 9,
  icmpType: 10,
  icmpCode: 11,
  bytes: 12,
  packets: 13,
  bytesTotal: 14,
  packetsTotal: 15,
  startMs: 16,
  endMs: 17,
  startSec: 18,
  endSec: 19,
  startNtpUs: 20,
  endNtpUs: 21,
  startNtpNs: 22,
  endNtpNs: 23,
  startUptime: 24,
  endUptime: 25,
  startDeltaUs: 26,
  endDeltaUs: 27,
  durationMs: 28,
  durationUs: 29,
  samplingInterval: 30,
  samplerRandomInterval: 31,
  samplerId: 32,
  selectorId: 33,
  packetInterval: 34,
  packetSpace: 35,
  samplingSize: 36,
  samplingPopulation: 37,
  systemInit: 38,
} as const;
export const SLOT_COUNT = 39;

/** IANA element id → slot, for enterprise-0 fields (the first occurrence in a template wins). */
export const SLOT_OF_IE: ReadonlyMap<number, number> = new Map([
  [IE.sourceIPv4Address, Slot.src4],
  [IE.destinationIPv4Address, Slot.dst4],
  [IE.sourceIPv6Address, Slot.src6],
  [IE.destinationIPv6Address, Slot.dst6],
  [IE.sourceTransportPort, Slot.srcPort],
  [IE.destinationTransportPort, Slot.dstPort],
  [IE.protocolIdentifier, Slot.protocol],
  [IE.tcpControlBits, Slot.tcpFlags],
  [IE.icmpTypeCodeIPv4, Slot.icmpTypeCode4],
  [IE.icmpTypeCodeIPv6, Slot.icmpTypeCode6],
  [IE.icmpTypeIPv4, Slot.icmpType],
  [IE.icmpTypeIPv6, Slot.icmpType],
  [IE.icmpCodeIPv4, Slot.icmpCode],
  [IE.icmpCodeIPv6, Slot.icmpCode],
  [IE.octetDeltaCount, Slot.bytes],
  [IE.packetDeltaCount, Slot.packets],
  [IE.octetTotalCount, Slot.bytesTotal],
  [IE.packetTotalCount, Slot.packetsTotal],
  [IE.flowStartMilliseconds, Slot.startMs],
  [IE.flowEndMilliseconds, Slot.endMs],
  [IE.flowStartSeconds, Slot.startSec],
  [IE.flowEndSeconds, Slot.endSec],
  [IE.flowStartMicroseconds, Slot.startNtpUs],
  [IE.flowEndMicroseconds, Slot.endNtpUs],
  [IE.flowStartNanoseconds, Slot.startNtpNs],
  [IE.flowEndNanoseconds, Slot.endNtpNs],
  [IE.flowStartSysUpTime, Slot.startUptime],
  [IE.flowEndSysUpTime, Slot.endUptime],
  [IE.flowStartDeltaMicroseconds, Slot.startDeltaUs],
  [IE.flowEndDeltaMicroseconds, Slot.endDeltaUs],
  [IE.flowDurationMilliseconds, Slot.durationMs],
  [IE.flowDurationMicroseconds, Slot.durationUs],
  [IE.samplingInterval, Slot.samplingInterval],
  [IE.samplerRandomInterval, Slot.samplerRandomInterval],
  [IE.samplerId, Slot.samplerId],
  [IE.selectorId, Slot.selectorId],
  [IE.samplingPacketInterval, Slot.packetInterval],
  [IE.samplingPacketSpace, Slot.packetSpace],
  [IE.samplingSize, Slot.samplingSize],
  [IE.samplingPopulation, Slot.samplingPopulation],
  [IE.systemInitTimeMilliseconds, Slot.systemInit],
]);

/**
 * Lengths a slot accepts: addresses and time stamps must have their exact size; unsigned
 * integers may be reduced-size encoded (RFC 7011 §6.2), from 1 byte up to their full size.
 */
export function slotLengthOk(slot: number, length: number): boolean {
  switch (slot) {
    case Slot.src4:
    case Slot.dst4:
      return length === 4;
    case Slot.src6:
    case Slot.dst6:
      return length === 16;
    case Slot.startMs:
    case Slot.endMs:
    case Slot.startNtpUs:
    case Slot.endNtpUs:
    case Slot.startNtpNs:
    case Slot.endNtpNs:
    case Slot.systemInit:
      return length === 8;
    case Slot.startSec:
    case Slot.endSec:
    case Slot.startUptime:
    case Slot.endUptime:
      return length === 4;
    case Slot.protocol:
    case Slot.icmpType:
    case Slot.icmpCode:
      return length === 1;
    case Slot.srcPort:
    case Slot.dstPort:
    case Slot.tcpFlags:
    case Slot.icmpTypeCode4:
    case Slot.icmpTypeCode6:
      return length === 1 || length === 2;
    default:
      return length >= 1 && length <= 8;
  }
}
