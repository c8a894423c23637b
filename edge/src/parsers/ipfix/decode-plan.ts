/** @module The decode plan of a template: each read field's offset and length, computed once and cached beside the template. */
// The cache is a WeakMap keyed by the Template object: a replaced or restored template gets a fresh
// plan, and withdrawn ones are collected. Fixed-length templates have constant offsets; variable-length
// ones get their offsets per record from layoutVariableRecord (the slower path).
import type { Template } from "../exporter-state.js";
import { SLOT_COUNT, SLOT_OF_IE, Slot, VARIABLE_LENGTH, slotLengthOk } from "./ie.js";

/** How a record gives a time stamp. */
export const TimeKind = { none: 0, ms: 1, sec: 2, ntp: 3, uptime: 4, deltaUs: 5 } as const;
/** How a record gives its flow's duration (used only when there is no end time). */
export const DurationKind = { none: 0, ms: 1, us: 2 } as const;
/** Where a record's sampling rate comes from. */
export const SamplingKind = {
  /** the domain's exporter-wide rate (an options record without a sampler id), else 1 */
  domain: 0,
  /** samplingInterval (34) or samplerRandomInterval (50) in the record */
  interval: 1,
  /** samplingPacketInterval (305) and samplingPacketSpace (306): (interval + space) / interval */
  packetSpace: 2,
  /** samplingSize (309) and samplingPopulation (310): population / size */
  population: 3,
  /** samplerId (48) or selectorId (302): the rate an options record announced for it */
  reference: 4,
} as const;

export interface DecodePlan {
  /** fixed record length, or -1 when the template has variable-length fields */
  readonly recordLength: number;
  /** the shortest possible record (a variable-length field counts its 1-byte length prefix) */
  readonly minRecordLength: number;
  /** slot → field offset from the record start, -1 when absent (per record for variable-length templates) */
  readonly rel: Int32Array;
  /** slot → field length in bytes (always fixed: variable-length fields never fill slots) */
  readonly len: Uint8Array;
  /** variable-length templates: each field's template length and slot (-1 none); null when fixed */
  readonly fieldLengths: Uint16Array | null;
  readonly fieldSlots: Int8Array | null;
  readonly startKind: number;
  readonly endKind: number;
  readonly durationKind: number;
  readonly samplingKind: number;
  /** true when times are relative to systemInitTimeMilliseconds (IE 22/21) */
  readonly needsSystemInit: boolean;
  /** the record carries addresses of some family / counters of some kind */
  readonly hasAddresses: boolean;
  readonly hasCounters: boolean;
}

const plans = new WeakMap<Template, DecodePlan>();

/** The plan of a template, built on first use and cached for the template object's life. */
export function planFor(template: Template): DecodePlan {
  let plan = plans.get(template);
  if (!plan) {
    plan = buildPlan(template);
    plans.set(template, plan);
  }
  return plan;
}

function firstOf(rel: Int32Array, ...slots: number[]): number {
  for (const s of slots) if (rel[s]! >= 0) return s;
  return -1;
}

export function buildPlan(template: Template): DecodePlan {
  const rel = new Int32Array(SLOT_COUNT).fill(-1);
  const len = new Uint8Array(SLOT_COUNT);
  const variable = template.fields.some((f) => f.length === VARIABLE_LENGTH);
  const fieldLengths = variable ? new Uint16Array(template.fields.length) : null;
  const fieldSlots = variable ? new Int8Array(template.fields.length).fill(-1) : null;
  let offset = 0;
  let minRecordLength = 0;
  template.fields.forEach((f, i) => {
    const slot = f.enterprise === 0 ? SLOT_OF_IE.get(f.id) : undefined;
    const usable = slot !== undefined && f.length !== VARIABLE_LENGTH && rel[slot] === -1 && slotLengthOk(slot, f.length);
    if (usable) {
      rel[slot] = offset;
      len[slot] = f.length;
    }
    if (fieldLengths && fieldSlots) {
      fieldLengths[i] = f.length;
      if (usable) fieldSlots[i] = slot;
    }
    const size = f.length === VARIABLE_LENGTH ? 1 : f.length;
    offset += size;
    minRecordLength += size;
  });
  const timeKind = (ms: number, sec: number, ntpUs: number, ntpNs: number, uptime: number, deltaUs: number) => {
    const s = firstOf(rel, ms, ntpUs, ntpNs, sec, uptime, deltaUs);
    if (s === ms) return { kind: TimeKind.ms, slot: s };
    if (s === ntpUs || s === ntpNs) return { kind: TimeKind.ntp, slot: s };
    if (s === sec) return { kind: TimeKind.sec, slot: s };
    if (s === uptime) return { kind: TimeKind.uptime, slot: s };
    if (s === deltaUs) return { kind: TimeKind.deltaUs, slot: s };
    return { kind: TimeKind.none, slot: -1 };
  };
  const start = timeKind(Slot.startMs, Slot.startSec, Slot.startNtpUs, Slot.startNtpNs, Slot.startUptime, Slot.startDeltaUs);
  const end = timeKind(Slot.endMs, Slot.endSec, Slot.endNtpUs, Slot.endNtpNs, Slot.endUptime, Slot.endDeltaUs);
  // The decoder reads each time (and sampling value) from one canonical slot: point it at the chosen field.
  const remap = Int8Array.from({ length: SLOT_COUNT }, (_, s) => s);
  const alias = (target: number, source: number) => {
    if (source < 0 || source === target) return;
    rel[target] = rel[source]!;
    len[target] = len[source]!;
    rel[source] = -1;
    remap[source] = target;
  };
  const drop = (slot: number) => {
    rel[slot] = -1;
    remap[slot] = -1;
  };
  // An address family counts only as a pair.
  if (rel[Slot.src4]! < 0 || rel[Slot.dst4]! < 0) [Slot.src4, Slot.dst4].forEach(drop);
  if (rel[Slot.src6]! < 0 || rel[Slot.dst6]! < 0) [Slot.src6, Slot.dst6].forEach(drop);
  alias(Slot.startMs, start.slot);
  alias(Slot.endMs, end.slot);
  const durationKind = rel[Slot.durationMs]! >= 0 ? DurationKind.ms : rel[Slot.durationUs]! >= 0 ? DurationKind.us : DurationKind.none;
  let samplingKind: number = SamplingKind.domain;
  if (rel[Slot.samplingInterval]! >= 0 || rel[Slot.samplerRandomInterval]! >= 0) {
    samplingKind = SamplingKind.interval;
    if (rel[Slot.samplingInterval]! < 0) alias(Slot.samplingInterval, Slot.samplerRandomInterval);
  } else if (rel[Slot.packetInterval]! >= 0) samplingKind = SamplingKind.packetSpace;
  else if (rel[Slot.samplingSize]! >= 0 && rel[Slot.samplingPopulation]! >= 0) samplingKind = SamplingKind.population;
  else if (rel[Slot.samplerId]! >= 0 || rel[Slot.selectorId]! >= 0) {
    samplingKind = SamplingKind.reference;
    if (rel[Slot.selectorId]! < 0) alias(Slot.selectorId, Slot.samplerId);
  }
  if (fieldSlots) for (let i = 0; i < fieldSlots.length; i++) if (fieldSlots[i]! >= 0) fieldSlots[i] = remap[fieldSlots[i]!]!; // -1 when dropped
  return {
    recordLength: variable ? -1 : offset,
    minRecordLength,
    rel,
    len,
    fieldLengths,
    fieldSlots,
    startKind: start.kind,
    endKind: end.kind,
    durationKind,
    samplingKind,
    needsSystemInit: start.kind === TimeKind.uptime || end.kind === TimeKind.uptime,
    hasAddresses: (rel[Slot.src4]! >= 0 && rel[Slot.dst4]! >= 0) || (rel[Slot.src6]! >= 0 && rel[Slot.dst6]! >= 0),
    hasCounters: rel[Slot.bytes]! >= 0 || rel[Slot.packets]! >= 0 || rel[Slot.bytesTotal]! >= 0 || rel[Slot.packetsTotal]! >= 0,
  };
}

/**
 * Fills `plan.rel` for one record of a variable-length template starting at `base`, and returns
 * the record's end, or -1 when the record runs past `end`.
 */
export function layoutVariableRecord(view: DataView, base: number, end: number, plan: DecodePlan): number {
  const lengths = plan.fieldLengths!;
  const slots = plan.fieldSlots!;
  const rel = plan.rel;
  let pos = base;
  for (let i = 0; i < lengths.length; i++) {
    let size = lengths[i]!;
    if (size === 65535) {
      if (pos >= end) return -1;
      size = view.getUint8(pos++);
      if (size === 255) {
        if (end - pos < 2) return -1;
        size = view.getUint16(pos);
        pos += 2;
      }
    }
    const slot = slots[i]!;
    if (slot >= 0) rel[slot] = pos - base;
    pos += size;
    if (pos > end) return -1;
  }
  return pos;
}
