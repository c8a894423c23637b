/** @module The IPFIX encoder: flows → a template message (with options records) and data messages, as an exporter sends them. */
// The template message holds the IPv4 and IPv6 data templates and, when needed, options records
// for the system init time (uptime mode) and the sampling rates. Used by the shared parser cases
// and by the traffic simulator.
import { parseIp } from "../../../../shared/flow/ip.js";
import type { FlowRecord } from "../../../../shared/flow/record.js";
import { MESSAGE_HEADER_LENGTH, SET_HEADER_LENGTH } from "./header.js";
import { IE } from "./ie.js";
import { buildMessage, buildOptionsTemplateSet, buildSet, buildTemplateSet, type FieldSpec, type TemplateSpec } from "./message.js";
import { writeUint } from "./read.js";
import { writeMs } from "./times.js";

export interface IpfixEncodeOptions {
  /** observation domain id (default 0) */
  domain: number;
  /** "milliseconds": flowStart/EndMilliseconds (IE 152/153); "uptime": flowStart/EndSysUpTime (22/21) plus an options record with systemInitTimeMilliseconds (160) */
  times: "milliseconds" | "uptime";
  /** uptime mode: the exporter's boot time, epoch ms (default: the earliest flow start, floored to the second) */
  systemInitMs: number | undefined;
  /** packet and byte counter size: 8 (unsigned64, default) or 4 (reduced-size; values must fit) */
  counterLength: 4 | 8;
  /** "auto": tag records with a selectorId (302) and announce its rate in options records when some flow is sampled; true/false force it */
  sampling: "auto" | boolean;
  /** header export time, epoch ms (default: the latest flow end of each message, rounded up to the second) */
  exportTimeMs: number | undefined;
  /** the largest message to produce (default 1400, below a 1500-byte MTU with IP and UDP headers) */
  maxMessageBytes: number;
  /** sequence number of the first message (data records sent before it in this stream); default 0 */
  sequence: number;
  /** lead with the template message (default true; a streaming exporter repeats it periodically) */
  templates: boolean;
}

export const IPFIX_ENCODE_DEFAULTS: IpfixEncodeOptions = {
  domain: 0,
  times: "milliseconds",
  systemInitMs: undefined,
  counterLength: 8,
  sampling: "auto",
  exportTimeMs: undefined,
  maxMessageBytes: 1400,
  sequence: 0,
  templates: true,
};

/** Template ids the encoder uses. */
export const ENCODER_TEMPLATE_IDS = { ipv4: 256, ipv6: 257, systemInit: 258, sampling: 259 } as const;

export interface IpfixEncoding {
  messages: Uint8Array[];
  /** the sequence number the next message of this stream should carry */
  nextSequence: number;
}

const TWO_32 = 4294967296;

interface Layout {
  fields: FieldSpec[];
  recordLength: number;
}

function dataLayout(family: 4 | 6, o: IpfixEncodeOptions, sampled: boolean): Layout {
  const addr = family === 4 ? 4 : 16;
  const fields: FieldSpec[] = [
    { id: family === 4 ? IE.sourceIPv4Address : IE.sourceIPv6Address, length: addr },
    { id: family === 4 ? IE.destinationIPv4Address : IE.destinationIPv6Address, length: addr },
    ...(o.times === "uptime"
      ? [
          { id: IE.flowStartSysUpTime, length: 4 },
          { id: IE.flowEndSysUpTime, length: 4 },
        ]
      : [
          { id: IE.flowStartMilliseconds, length: 8 },
          { id: IE.flowEndMilliseconds, length: 8 },
        ]),
    { id: IE.octetDeltaCount, length: o.counterLength },
    { id: IE.packetDeltaCount, length: o.counterLength },
    { id: IE.sourceTransportPort, length: 2 },
    { id: IE.destinationTransportPort, length: 2 },
    { id: family === 4 ? IE.icmpTypeCodeIPv4 : IE.icmpTypeCodeIPv6, length: 2 },
    { id: IE.protocolIdentifier, length: 1 },
    { id: IE.tcpControlBits, length: 1 },
    ...(sampled ? [{ id: IE.selectorId, length: 4 }] : []),
  ];
  return { fields, recordLength: fields.reduce((n, f) => n + f.length, 0) };
}

const SYSTEM_INIT_TEMPLATE: TemplateSpec = {
  id: ENCODER_TEMPLATE_IDS.systemInit,
  scopeFieldCount: 1,
  fields: [
    { id: IE.observationDomainId, length: 4 },
    { id: IE.systemInitTimeMilliseconds, length: 8 },
  ],
};

/** A sampling selector per rate: selectorId = the rate, systematic count-based (RFC 5477): 1 packet selected, rate − 1 skipped. */
const SAMPLING_TEMPLATE: TemplateSpec = {
  id: ENCODER_TEMPLATE_IDS.sampling,
  scopeFieldCount: 1,
  fields: [
    { id: IE.selectorId, length: 4 },
    { id: IE.selectorAlgorithm, length: 2 },
    { id: IE.samplingPacketInterval, length: 4 },
    { id: IE.samplingPacketSpace, length: 4 },
  ],
};

interface Checked {
  family: 4 | 6;
  src: readonly number[];
  dst: readonly number[];
  flow: FlowRecord;
}

function check(flow: FlowRecord, i: number, o: IpfixEncodeOptions): Checked {
  const bad = (what: string) => new RangeError(`flow ${i}: ${what}`);
  const src = parseIp(flow.src);
  const dst = parseIp(flow.dst);
  if (!src || !dst) throw bad(`bad address ${!src ? flow.src : flow.dst}`);
  if (src.family !== dst.family) throw bad("src and dst must both be IPv4 or both IPv6");
  const int = (v: number, max: number, name: string) => {
    if (!Number.isInteger(v) || v < 0 || v > max) throw bad(`${name} ${v} is not an integer in 0..${max}`);
  };
  int(flow.srcPort, 65535, "srcPort");
  int(flow.dstPort, 65535, "dstPort");
  int(flow.protocol, 255, "protocol");
  int(flow.tcpFlags, 255, "tcpFlags");
  const counterMax = o.counterLength === 4 ? TWO_32 - 1 : Number.MAX_SAFE_INTEGER;
  int(flow.packets, counterMax, "packets");
  int(flow.bytes, counterMax, "bytes");
  int(flow.samplingRate, TWO_32 - 1, "samplingRate");
  if (flow.samplingRate < 1) throw bad("samplingRate must be at least 1");
  int(flow.startMs, Number.MAX_SAFE_INTEGER, "startMs");
  int(flow.endMs, Number.MAX_SAFE_INTEGER, "endMs");
  if (flow.endMs < flow.startMs) throw bad("endMs is before startMs");
  return { family: src.family, src: src.words, dst: dst.words, flow };
}

function writeRecord(view: DataView, pos: number, c: Checked, o: IpfixEncodeOptions, initMs: number, sampled: boolean): void {
  const f = c.flow;
  if (c.family === 4) {
    view.setUint32(pos, c.src[0]!);
    view.setUint32(pos + 4, c.dst[0]!);
    pos += 8;
  } else {
    for (let w = 0; w < 4; w++) view.setUint32(pos + 4 * w, c.src[w]!);
    for (let w = 0; w < 4; w++) view.setUint32(pos + 16 + 4 * w, c.dst[w]!);
    pos += 32;
  }
  if (o.times === "uptime") {
    view.setUint32(pos, f.startMs - initMs);
    view.setUint32(pos + 4, f.endMs - initMs);
    pos += 8;
  } else {
    writeMs(view, pos, f.startMs);
    writeMs(view, pos + 8, f.endMs);
    pos += 16;
  }
  writeUint(view, pos, o.counterLength, f.bytes);
  writeUint(view, pos + o.counterLength, o.counterLength, f.packets);
  pos += 2 * o.counterLength;
  const icmp = f.protocol === 1 || f.protocol === 58;
  view.setUint16(pos, f.srcPort);
  view.setUint16(pos + 2, icmp ? 0 : f.dstPort);
  view.setUint16(pos + 4, icmp ? f.dstPort : 0);
  view.setUint8(pos + 6, f.protocol);
  view.setUint8(pos + 7, f.tcpFlags);
  pos += 8;
  if (sampled) view.setUint32(pos, f.samplingRate);
}

const exportSeconds = (ms: number) => Math.min(TWO_32 - 1, Math.max(0, Math.ceil(ms / 1000)));

/** Encodes flows as IPFIX messages, and returns the stream's next sequence number. Throws RangeError on flows it cannot carry. */
export function encodeIpfixMessages(flows: readonly FlowRecord[], options: Partial<IpfixEncodeOptions> = {}): IpfixEncoding {
  const o: IpfixEncodeOptions = { ...IPFIX_ENCODE_DEFAULTS, ...options };
  const checked = flows.map((f, i) => check(f, i, o));
  const sampled = o.sampling === "auto" ? checked.some((c) => c.flow.samplingRate !== 1) : o.sampling;
  let initMs = 0;
  if (o.times === "uptime") {
    const earliest = checked.reduce((m, c) => Math.min(m, c.flow.startMs), Infinity);
    initMs = o.systemInitMs ?? (Number.isFinite(earliest) ? Math.floor(earliest / 1000) * 1000 : 0);
    checked.forEach((c, i) => {
      if (c.flow.startMs < initMs || c.flow.endMs - initMs >= TWO_32) throw new RangeError(`flow ${i}: times do not fit in 32-bit uptime from systemInitMs ${initMs}`);
    });
  }
  const layouts = { 4: dataLayout(4, o, sampled), 6: dataLayout(6, o, sampled) };
  const budget = o.maxMessageBytes - MESSAGE_HEADER_LENGTH;
  const longest = Math.max(layouts[4].recordLength, layouts[6].recordLength) + SET_HEADER_LENGTH;
  if (budget < longest) throw new RangeError(`maxMessageBytes ${o.maxMessageBytes} cannot hold one record`);
  let sequence = o.sequence >>> 0;
  const messages: Uint8Array[] = [];
  const latestEnd = checked.reduce((m, c) => Math.max(m, c.flow.endMs), 0);

  if (o.templates) {
    const sets = [
      buildTemplateSet([
        { id: ENCODER_TEMPLATE_IDS.ipv4, fields: layouts[4].fields },
        { id: ENCODER_TEMPLATE_IDS.ipv6, fields: layouts[6].fields },
      ]),
    ];
    const optionTemplates = [...(o.times === "uptime" ? [SYSTEM_INIT_TEMPLATE] : []), ...(sampled ? [SAMPLING_TEMPLATE] : [])];
    if (optionTemplates.length > 0) sets.push(buildOptionsTemplateSet(optionTemplates));
    let optionRecords = 0;
    if (o.times === "uptime") {
      const rec = new Uint8Array(12);
      const v = new DataView(rec.buffer);
      v.setUint32(0, o.domain >>> 0);
      writeMs(v, 4, initMs);
      sets.push(buildSet(ENCODER_TEMPLATE_IDS.systemInit, [rec]));
      optionRecords++;
    }
    if (sampled) {
      const rates = [...new Set(checked.map((c) => c.flow.samplingRate))].sort((a, b) => a - b);
      const recs = rates.map((rate) => {
        const rec = new Uint8Array(14);
        const v = new DataView(rec.buffer);
        v.setUint32(0, rate);
        v.setUint16(4, 1); // systematic count-based sampling
        v.setUint32(6, 1);
        v.setUint32(10, rate - 1);
        return rec;
      });
      sets.push(buildSet(ENCODER_TEMPLATE_IDS.sampling, recs));
      optionRecords += recs.length;
    }
    messages.push(buildMessage({ domain: o.domain, exportTime: exportSeconds(o.exportTimeMs ?? latestEnd), sequence }, sets));
    sequence = (sequence + optionRecords) % TWO_32;
  }

  // Data: consecutive flows of one family share a set; a message holds as many sets as fit.
  let i = 0;
  while (i < checked.length) {
    const sets: Uint8Array[] = [];
    let room = budget;
    let records = 0;
    let maxEnd = 0;
    while (i < checked.length) {
      const family = checked[i]!.family;
      const layout = layouts[family];
      const fit = Math.floor((room - SET_HEADER_LENGTH) / layout.recordLength);
      if (fit < 1) break;
      let n = 0;
      while (n < fit && i + n < checked.length && checked[i + n]!.family === family) n++;
      const body = new Uint8Array(n * layout.recordLength);
      const view = new DataView(body.buffer);
      for (let k = 0; k < n; k++) {
        const c = checked[i + k]!;
        writeRecord(view, k * layout.recordLength, c, o, initMs, sampled);
        maxEnd = Math.max(maxEnd, c.flow.endMs);
      }
      sets.push(buildSet(family === 4 ? ENCODER_TEMPLATE_IDS.ipv4 : ENCODER_TEMPLATE_IDS.ipv6, [body]));
      room -= SET_HEADER_LENGTH + body.length;
      records += n;
      i += n;
    }
    messages.push(buildMessage({ domain: o.domain, exportTime: exportSeconds(o.exportTimeMs ?? maxEnd), sequence }, sets));
    sequence = (sequence + records) % TWO_32;
  }
  return { messages, nextSequence: sequence };
}

/** Encodes flows as IPFIX messages: a template message, then data messages. */
export function encodeIpfix(flows: readonly FlowRecord[], options: Partial<IpfixEncodeOptions> = {}): Uint8Array[] {
  return encodeIpfixMessages(flows, options).messages;
}
