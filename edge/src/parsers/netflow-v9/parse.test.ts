/** @module NetFlow v9 parser and encoder: the shared parser cases (inside workerd), then template, pending, sampling and edge-case unit tests. */
import { describe, expect, it } from "vitest";
import type { FlowRecord } from "../../../../shared/flow/record.js";
import { ExporterState, MAX_TEMPLATES, PENDING_MAX_AGE_MS, PENDING_MAX_BYTES } from "../exporter-state.js";
import { BASIC_FLOWS, collect, runParserCases } from "../parser.case.js";
import type { ParseReport } from "../types.js";
import { encodeNetflowV9, V9_TEMPLATE_IPV4 } from "./encode.js";
import * as F from "./fields.js";
import { netflowV9 } from "./parse.js";
import { MAX_TEMPLATE_FIELDS } from "./template.js";

const T0 = Date.UTC(2024, 4, 17, 10, 35);

/** Parses inputs in order with one state; the i-th datagram is received at `at(i)`. */
function parse(inputs: Uint8Array[], state = new ExporterState(), at = (_i: number) => T0): { flows: FlowRecord[]; report: ParseReport } {
  return collect((out, report) => {
    inputs.forEach((bytes, i) => netflowV9.parseDatagram({ exporter: "192.0.2.1", receivedAtMs: at(i), bytes }, state, out, report));
  });
}

runParserCases({ name: "netflow-v9", encode: (flows) => encodeNetflowV9(flows), parse });

// ---- a tiny hand-written v9 builder, independent of the encoder ----

const SECS = 1_700_000_000;
type Field = [id: number, length: number];

function u(width: number, value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (let i = 0; i < width; i++, v >>= 8n) out.unshift(Number(v & 0xffn));
  return out;
}
const flowset = (id: number, body: number[]) => [...u(2, id), ...u(2, body.length + 4), ...body];
const template = (id: number, fields: Field[]) => [...u(2, id), ...u(2, fields.length), ...fields.flatMap(([f, l]) => [...u(2, f), ...u(2, l)])];
const optionsTemplate = (id: number, scope: Field[], fields: Field[]) => [
  ...u(2, id),
  ...u(2, 4 * scope.length),
  ...u(2, 4 * fields.length),
  ...[...scope, ...fields].flatMap(([f, l]) => [...u(2, f), ...u(2, l)]),
];
function packet(flowsets: number[][], { uptime = 100_000, secs = SECS, sourceId = 0 } = {}): Uint8Array {
  return new Uint8Array([...u(2, 9), ...u(2, flowsets.length), ...u(4, uptime), ...u(4, secs), ...u(4, 1), ...u(4, sourceId), ...flowsets.flat()]);
}
const ip4 = (text: string) => text.split(".").map(Number);

/** 10.0.0.1:1234 → 10.0.0.2:80, TCP, 5 packets, 500 bytes, first/last uptime 40 000 / 90 000. */
const V4_FIELDS: Field[] = [[8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [6, 1], [2, 4], [1, 4], [22, 4], [21, 4]];
const v4Record = (first = 40_000, last = 90_000) => [...ip4("10.0.0.1"), ...ip4("10.0.0.2"), ...u(2, 1234), ...u(2, 80), 6, 0x12, ...u(4, 5), ...u(4, 500), ...u(4, first), ...u(4, last)];
const V4_FLOW: FlowRecord = {
  startMs: SECS * 1000 - 60_000,
  endMs: SECS * 1000 - 10_000,
  src: "10.0.0.1",
  dst: "10.0.0.2",
  srcPort: 1234,
  dstPort: 80,
  protocol: 6,
  tcpFlags: 0x12,
  packets: 5,
  bytes: 500,
  samplingRate: 1,
  exporterId: "",
};
const codes = (r: ParseReport) => r.issues.map((i) => i.code);

describe("netflow-v9: templates and data", () => {
  it("decodes data after a template sent in an earlier datagram (times from sysUptime and unix_secs)", () => {
    const state = new ExporterState();
    const a = parse([packet([flowset(0, template(300, V4_FIELDS))])], state);
    expect(a.report).toEqual({ accepted: 0, rejected: 0, buffered: 0, released: 0, issues: [] });
    expect(state.getTemplate(0, 300)?.recordLength).toBe(30);
    const b = parse([packet([flowset(300, [...v4Record(), ...v4Record()])])], state);
    expect(b.report.accepted).toBe(2);
    expect(b.flows).toEqual([V4_FLOW, V4_FLOW]);
  });

  it("keeps templates per source id: the same template id means different layouts in two domains", () => {
    const state = new ExporterState();
    parse([packet([flowset(0, template(300, V4_FIELDS))], { sourceId: 1 })], state);
    const { report } = parse([packet([flowset(300, v4Record())], { sourceId: 2 })], state);
    expect(report).toMatchObject({ accepted: 0, buffered: 1 });
  });

  it("buffers data that comes before its template, then releases it (earlier datagram, or earlier in the same one)", () => {
    const state = new ExporterState();
    const early = parse([packet([flowset(300, v4Record())]), packet([flowset(300, v4Record())])], state);
    expect(early.report).toMatchObject({ accepted: 0, rejected: 0, buffered: 2, released: 0 });
    expect(state.pendingCount()).toBe(2);
    const late = parse([packet([flowset(0, template(300, V4_FIELDS))])], state);
    expect(late.report).toMatchObject({ accepted: 2, rejected: 0, buffered: 0, released: 2 });
    expect(late.flows).toEqual([V4_FLOW, V4_FLOW]);
    expect(state.pendingCount()).toBe(0);

    // data, then its template, in one datagram (akvorado's data+templates capture does this)
    const same = parse([packet([flowset(301, v4Record()), flowset(0, template(301, V4_FIELDS)), flowset(301, v4Record())])]);
    expect(same.report).toMatchObject({ accepted: 2, buffered: 1, released: 1 });
  });

  it("released data keeps the clock of the packet it came in", () => {
    const state = new ExporterState();
    parse([packet([flowset(300, v4Record())], { uptime: 100_000, secs: SECS })], state);
    const { flows } = parse([packet([flowset(0, template(300, V4_FIELDS))], { uptime: 999_999, secs: SECS + 500 })], state);
    expect(flows).toEqual([V4_FLOW]);
  });

  it("expires data that waited over 60 s for its template (one template_expired per flowset)", () => {
    const state = new ExporterState();
    parse([packet([flowset(300, v4Record()), flowset(301, v4Record())])], state, () => T0);
    const atLimit = parse([packet([])], state, () => T0 + PENDING_MAX_AGE_MS);
    expect(atLimit.report.rejected).toBe(0);
    const after = parse([packet([flowset(0, template(300, V4_FIELDS))])], state, () => T0 + PENDING_MAX_AGE_MS + 1);
    expect(after.report).toMatchObject({ accepted: 0, rejected: 2, released: 0 });
    expect(codes(after.report)).toEqual(["template_expired", "template_expired"]);
    expect(state.pendingCount()).toBe(0);
  });

  it("bounds the pending buffer: the oldest waiting flowsets are dropped as pending_overflow", () => {
    const state = new ExporterState();
    const big = new Array(60_000).fill(0);
    const n = Math.ceil(PENDING_MAX_BYTES / big.length) + 3;
    const { report } = parse(Array.from({ length: n }, (_, i) => packet([flowset(400 + i, big)])), state);
    expect(report.buffered).toBe(n);
    expect(report.rejected).toBeGreaterThan(0);
    expect(new Set(codes(report))).toEqual(new Set(["pending_overflow"]));
    expect(state.snapshot().pending.reduce((s, p) => s + p.bytes.length, 0)).toBeLessThanOrEqual(PENDING_MAX_BYTES);
  });

  it("bounds templates per exporter: past MAX_TEMPLATES a new one is bad_template, replacements still work", () => {
    const state = new ExporterState();
    for (let id = 256; id < 256 + MAX_TEMPLATES; id += 64) {
      const body = Array.from({ length: 64 }, (_, k) => template(id + k, V4_FIELDS)).flat();
      parse([packet([flowset(0, body)])], state);
    }
    expect(state.templateCount()).toBe(MAX_TEMPLATES);
    const extra = parse([packet([flowset(0, template(256 + MAX_TEMPLATES, V4_FIELDS))])], state);
    expect(codes(extra.report)).toEqual(["bad_template"]);
    const replaced = parse([packet([flowset(0, template(256, [[8, 4], [12, 4], [1, 4]]))])], state);
    expect(replaced.report.rejected).toBe(0);
    expect(state.getTemplate(0, 256)?.recordLength).toBe(12);
  });

  it("does not mark the state dirty when an exporter resends an identical template", () => {
    const state = new ExporterState();
    parse([packet([flowset(0, template(300, V4_FIELDS))])], state);
    const stored = state.getTemplate(0, 300);
    state.dirty = false;
    parse([packet([flowset(0, template(300, V4_FIELDS))])], state);
    expect(state.dirty).toBe(false);
    expect(state.getTemplate(0, 300)).toBe(stored);
  });

  it("tolerates padding: after data records, after options templates, and at the end of the datagram", () => {
    const state = new ExporterState();
    const opt = optionsTemplate(310, [[F.SCOPE_SYSTEM, 4]], [[F.SAMPLING_INTERVAL, 4]]);
    const { flows, report } = parse(
      [
        new Uint8Array([
          ...packet([flowset(0, template(300, V4_FIELDS)), flowset(1, [...opt, 0, 0]), flowset(300, [...v4Record(), 0, 0]), flowset(310, [...u(4, 0), ...u(4, 10), 0, 0, 0])]),
          0,
          0,
        ]),
      ],
      state,
    );
    expect(report).toMatchObject({ accepted: 1, rejected: 0 });
    expect(flows).toHaveLength(1);
    expect(state.getSampling(0, -1)).toBe(10);
  });

  it("skips fields it does not use by their length, including odd widths", () => {
    const fields: Field[] = [[9999, 7], ...V4_FIELDS.slice(0, 4), [61, 1], ...V4_FIELDS.slice(4), [F.IPV6_SRC_ADDR, 3]];
    const r = v4Record();
    const record = [...u(7, 0x01020304050607n), ...r.slice(0, 12), 1, ...r.slice(12), 9, 9, 9];
    const { flows } = parse([packet([flowset(0, template(300, fields)), flowset(300, record)])]);
    expect(flows).toEqual([V4_FLOW]);
  });

  it("reports bad templates: no fields, zero-length records, field counts past the flowset or over the cap, reserved ids", () => {
    const zeroLen = parse([packet([flowset(0, template(300, [[8, 0], [12, 0]]))])]);
    expect(codes(zeroLen.report)).toEqual(["bad_template"]);
    const noFields = parse([packet([flowset(0, template(300, []))])]);
    expect(codes(noFields.report)).toEqual(["bad_template"]);
    const overflow = parse([packet([flowset(0, [...u(2, 300), ...u(2, 50), ...u(2, 8), ...u(2, 4)])])]);
    expect(codes(overflow.report)).toEqual(["bad_template"]);
    const reserved = parse([packet([flowset(0, template(200, V4_FIELDS))])]);
    expect(codes(reserved.report)).toEqual(["bad_template"]);
    const optBad = parse([packet([flowset(1, [...u(2, 300), ...u(2, 3), ...u(2, 4), ...u(4, 0), ...u(4, 0)])])]);
    expect(codes(optBad.report)).toEqual(["bad_template"]);
    const tooMany = parse([packet([flowset(0, template(300, Array.from({ length: MAX_TEMPLATE_FIELDS + 1 }, (_, i): Field => [1000 + i, 1])))])]);
    expect(codes(tooMany.report)).toEqual(["bad_template"]);
    const atCap = new ExporterState();
    parse([packet([flowset(0, template(300, [...V4_FIELDS, ...Array.from({ length: MAX_TEMPLATE_FIELDS - V4_FIELDS.length }, (_, i): Field => [1000 + i, 1])]))])], atCap);
    expect(atCap.templateCount()).toBe(1);
  });

  it("stops with bad_length at a flowset shorter than 4 or running past the datagram, keeping what came before", () => {
    const state = new ExporterState();
    parse([packet([flowset(0, template(300, V4_FIELDS))])], state);
    const short = packet([flowset(300, v4Record()), [...u(2, 300), ...u(2, 2)], flowset(300, v4Record())]);
    const a = parse([short], state);
    expect(a.report).toMatchObject({ accepted: 1, rejected: 1 });
    expect(codes(a.report)).toEqual(["bad_length"]);
    const long = packet([flowset(300, v4Record())]);
    new DataView(long.buffer).setUint16(22, 200);
    expect(codes(parse([long], state).report)).toEqual(["bad_length"]);
  });

  it("rejects other versions and datagrams shorter than the header", () => {
    const p = packet([]);
    p[1] = 5;
    expect(codes(parse([p]).report)).toEqual(["bad_version"]);
    expect(codes(parse([new Uint8Array(19)]).report)).toEqual(["truncated"]);
  });

  it("rejects records of templates without addresses or counters as missing_field (e.g. NAT events)", () => {
    const noAddr = parse([packet([flowset(0, template(300, [[1, 4], [2, 4]])), flowset(300, [...u(4, 1), ...u(4, 2), ...u(4, 1), ...u(4, 2)])])]);
    expect(noAddr.report).toMatchObject({ accepted: 0, rejected: 2 });
    expect(codes(noAddr.report)).toEqual(["missing_field"]);
    const noCounters = parse([packet([flowset(0, template(300, [[8, 4], [12, 4]])), flowset(300, [...ip4("1.2.3.4"), ...ip4("5.6.7.8")])])]);
    expect(codes(noCounters.report)).toEqual(["missing_field"]);
  });

  it("rejects single records with end before start, a duration over a day, or counters of 2^53 and more", () => {
    const fields: Field[] = [[8, 4], [12, 4], [1, 8], [2, 8], [22, 4], [21, 4]];
    const rec = (bytes: bigint, first: number, last: number) => [...ip4("1.2.3.4"), ...ip4("5.6.7.8"), ...u(8, bytes), ...u(8, 1), ...u(4, first), ...u(4, last)];
    const day = 24 * 3600 * 1000;
    const { flows, report } = parse(
      [packet([flowset(0, template(300, fields)), flowset(300, [...rec(2n ** 53n - 1n, 10, 20), ...rec(2n ** 53n, 10, 20), ...rec(1n, 30, 20), ...rec(1n, 10, day + 11)])], { uptime: 2 * day })],
    );
    expect(flows.map((f) => f.bytes)).toEqual([2 ** 53 - 1]);
    expect(report).toMatchObject({ accepted: 1, rejected: 3 });
    expect(codes(report)).toEqual(["bad_record"]);
  });

  it("handles the uint32 wrap of sysUptime", () => {
    const { flows } = parse([packet([flowset(0, template(300, V4_FIELDS)), flowset(300, v4Record(2 ** 32 - 2000, 2 ** 32 - 1000))], { uptime: 500 })]);
    expect(flows[0]!.startMs).toBe(SECS * 1000 - 2500);
    expect(flows[0]!.endMs).toBe(SECS * 1000 - 1500);
  });

  it("prefers absolute millisecond times (152/153) over uptime, and uses the export time when a record has none", () => {
    const fields: Field[] = [[8, 4], [12, 4], [1, 4], [F.FIRST_SWITCHED, 4], [F.FLOW_START_MILLISECONDS, 8], [F.FLOW_END_MILLISECONDS, 8]];
    const start = SECS * 1000 - 1234;
    const rec = [...ip4("1.2.3.4"), ...ip4("5.6.7.8"), ...u(4, 99), ...u(4, 1), ...u(8, start), ...u(8, start + 1000)];
    const abs = parse([packet([flowset(0, template(300, fields)), flowset(300, rec)])]).flows[0]!;
    expect([abs.startMs, abs.endMs, abs.packets]).toEqual([start, start + 1000, 0]);
    const none = parse([packet([flowset(0, template(300, [[8, 4], [12, 4], [1, 4]])), flowset(300, [...ip4("1.2.3.4"), ...ip4("5.6.7.8"), ...u(4, 99)])])]).flows[0]!;
    expect([none.startMs, none.endMs]).toEqual([SECS * 1000, SECS * 1000]);
  });

  it("takes ICMP type·256 + code from ICMP_TYPE when there is no destination port", () => {
    const fields: Field[] = [[8, 4], [12, 4], [4, 1], [1, 4], [2, 4], [F.ICMP_TYPE, 2]];
    const rec = [...ip4("1.2.3.4"), ...ip4("5.6.7.8"), 1, ...u(4, 84), ...u(4, 1), 3, 1];
    const { flows } = parse([packet([flowset(0, template(300, fields)), flowset(300, rec)])]);
    expect([flows[0]!.protocol, flows[0]!.dstPort]).toEqual([1, 3 * 256 + 1]);
  });

  it("decodes IPv6, and normalizes IPv4-mapped IPv6 addresses to IPv4", () => {
    const fields: Field[] = [[27, 16], [28, 16], [1, 4], [2, 4]];
    const v6 = (a: number[], b: number[]) => [...a, ...b, ...u(4, 100), ...u(4, 1)];
    const addr = (last: number[], mapped = false) => [...new Array(10).fill(0), ...(mapped ? [0xff, 0xff] : [0, 0]), ...last];
    const doc = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1];
    const { flows } = parse([packet([flowset(0, template(300, fields)), flowset(300, [...v6(doc, addr([0, 0, 0, 2])), ...v6(addr([192, 0, 2, 1], true), addr([192, 0, 2, 2], true))])])]);
    expect(flows.map((f) => [f.src, f.dst])).toEqual([
      ["2001:db8::1", "::2"],
      ["192.0.2.1", "192.0.2.2"],
    ]);
    // one mapped end and one native end cannot be one family: bad_record
    const mixed = parse([packet([flowset(0, template(300, fields)), flowset(300, v6(addr([192, 0, 2, 1], true), doc))])]);
    expect(mixed.report).toMatchObject({ accepted: 0, rejected: 1 });
    expect(codes(mixed.report)).toEqual(["bad_record"]);
  });

  it("with IPv4 and IPv6 fields in one template, uses IPv6 when set and IPv4 when the IPv6 fields are all zero", () => {
    const fields: Field[] = [[8, 4], [12, 4], [27, 16], [28, 16], [1, 4], [2, 4]];
    const zero16 = new Array(16).fill(0);
    const doc = (n: number) => [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), n];
    const rec = (v4: number[][], v6: number[][]) => [...v4[0]!, ...v4[1]!, ...v6[0]!, ...v6[1]!, ...u(4, 1), ...u(4, 1)];
    const { flows } = parse([packet([flowset(0, template(300, fields)), flowset(300, [...rec([ip4("1.2.3.4"), ip4("5.6.7.8")], [zero16, zero16]), ...rec([[0, 0, 0, 0], [0, 0, 0, 0]], [doc(1), doc(2)])])])]);
    expect(flows.map((f) => [f.src, f.dst])).toEqual([
      ["1.2.3.4", "5.6.7.8"],
      ["2001:db8::1", "2001:db8::2"],
    ]);
  });
});

describe("netflow-v9: sampling", () => {
  const dataFields: Field[] = [...V4_FIELDS, [F.FLOW_SAMPLER_ID, 2]];
  const rec = (sampler: number) => [...v4Record(), ...u(2, sampler)];
  const samplerOptions = optionsTemplate(
    320,
    [[F.SCOPE_SYSTEM, 4]],
    [[F.FLOW_SAMPLER_ID, 2], [F.FLOW_SAMPLER_MODE, 1], [F.FLOW_SAMPLER_RANDOM_INTERVAL, 4]],
  );
  const samplerRecord = (id: number, interval: number) => [...u(4, 0), ...u(2, id), 2, ...u(4, interval)];

  it("applies the interval of each record's FLOW_SAMPLER_ID from options data, else the exporter default, else 1", () => {
    const state = new ExporterState();
    const unknown = parse([packet([flowset(0, template(300, dataFields)), flowset(300, rec(7))])], state);
    expect(unknown.flows[0]!.samplingRate).toBe(1);
    parse([packet([flowset(1, samplerOptions), flowset(320, [...samplerRecord(1, 2000), ...samplerRecord(2, 4000), 0])])], state);
    expect(state.getSampling(0, 1)).toBe(2000);
    const known = parse([packet([flowset(300, [...rec(2), ...rec(1), ...rec(1), ...rec(7)])])], state);
    expect(known.flows.map((f) => f.samplingRate)).toEqual([4000, 2000, 2000, 1]);

    // an options record with SAMPLING_INTERVAL and no sampler id sets the exporter default
    const defaults = optionsTemplate(321, [[F.SCOPE_INTERFACE, 4]], [[F.SAMPLING_INTERVAL, 4], [F.SAMPLING_ALGORITHM, 1]]);
    parse([packet([flowset(1, defaults), flowset(321, [...u(4, 3), ...u(4, 100), 2])])], state);
    expect(parse([packet([flowset(300, rec(7))])], state).flows[0]!.samplingRate).toBe(100);
  });

  it("uses a SAMPLING_INTERVAL carried in the data record itself", () => {
    const fields: Field[] = [...V4_FIELDS, [F.SAMPLING_INTERVAL, 4]];
    const { flows } = parse([packet([flowset(0, template(300, fields)), flowset(300, [...v4Record(), ...u(4, 2048), ...v4Record(), ...u(4, 0)])])]);
    expect(flows.map((f) => f.samplingRate)).toEqual([2048, 1]);
  });

  it("options data waiting for its options template is applied when it arrives", () => {
    const state = new ExporterState();
    const early = parse([packet([flowset(320, samplerRecord(5, 512))])], state);
    expect(early.report).toMatchObject({ buffered: 1, accepted: 0 });
    const late = parse([packet([flowset(1, samplerOptions)])], state);
    expect(late.report).toMatchObject({ accepted: 0, released: 0, rejected: 0 });
    expect(state.getSampling(0, 5)).toBe(512);
  });
});

describe("netflow-v9: state snapshots", () => {
  it("resumes from a structured-cloned snapshot: stored templates decode, waiting data is released", () => {
    const a = new ExporterState();
    parse([packet([flowset(0, template(300, V4_FIELDS)), flowset(301, v4Record())])], a);
    const b = ExporterState.restore(structuredClone(a.snapshot()));
    expect(parse([packet([flowset(300, v4Record())])], b).flows).toEqual([V4_FLOW]);
    const released = parse([packet([flowset(0, template(301, V4_FIELDS))])], b);
    expect(released.report).toMatchObject({ accepted: 1, released: 1 });
  });
});

describe("netflow-v9: encoder", () => {
  it("sends templates first (IPv4 and IPv6), then data datagrams within the size bound, keeping order across families", () => {
    const flows = Array.from({ length: 100 }, (_, i) => ({ ...BASIC_FLOWS[i % 4]!, srcPort: i, ...(i % 7 === 0 ? { src: "2001:db8::1", dst: "2001:db8::2" } : {}) }));
    const datagrams = encodeNetflowV9(flows, { maxDatagramBytes: 600, sequence: 41 });
    expect(datagrams.length).toBeGreaterThan(3);
    for (const d of datagrams) expect(d.length).toBeLessThanOrEqual(600);
    expect(datagrams.map((d) => new DataView(d.buffer).getUint32(12))).toEqual(datagrams.map((_, i) => 41 + i));
    const state = new ExporterState();
    const { flows: got, report } = parse(datagrams, state);
    expect(report.rejected).toBe(0);
    expect(got.map((f) => [f.srcPort, f.src])).toEqual(flows.map((f) => [f.srcPort, f.src]));
    expect(state.templateCount()).toBe(2);
    expect(state.getTemplate(0, V9_TEMPLATE_IPV4)?.fields.map((f) => f.id)).toEqual([8, 12, 7, 11, 4, 6, 1, 2, 22, 21]);
  });

  it("numbers samplers by their interval, so batches encoded separately agree", () => {
    const state = new ExporterState();
    parse(encodeNetflowV9([{ ...BASIC_FLOWS[0]!, samplingRate: 100 }, { ...BASIC_FLOWS[1]!, samplingRate: 1 }]), state);
    const later = encodeNetflowV9([{ ...BASIC_FLOWS[2]!, samplingRate: 100 }], { templates: false });
    expect(later).toHaveLength(1);
    expect(parse(later, state).flows[0]!.samplingRate).toBe(100);
  });

  it("chooses 8-byte counters only when needed (or asked), and throws when a counter does not fit", () => {
    const recordLength = (datagrams: Uint8Array[]) => {
      const state = new ExporterState();
      parse(datagrams.slice(0, 1), state);
      return state.getTemplate(0, V9_TEMPLATE_IPV4)!.recordLength;
    };
    expect(recordLength(encodeNetflowV9(BASIC_FLOWS))).toBe(30);
    expect(recordLength(encodeNetflowV9(BASIC_FLOWS, { counters64: true }))).toBe(38);
    expect(() => encodeNetflowV9([{ ...BASIC_FLOWS[0]!, bytes: 2 ** 32 }], { counters64: false })).toThrow(RangeError);
    expect(encodeNetflowV9([])).toEqual([]);
  });

  it("keeps exact milliseconds across uptime wraps and flows far apart in time", () => {
    const flows = [
      { ...BASIC_FLOWS[0]!, startMs: Date.UTC(2001, 0, 1) + 1, endMs: Date.UTC(2001, 0, 1) + 999 },
      { ...BASIC_FLOWS[1]!, startMs: Date.UTC(2090, 0, 1) + 7, endMs: Date.UTC(2090, 0, 2) },
    ];
    const { flows: got } = parse(encodeNetflowV9(flows, { uptimeBaseMs: Date.UTC(1999, 0, 1) }));
    expect(got.map((f) => [f.startMs, f.endMs])).toEqual(flows.map((f) => [f.startMs, f.endMs]));
  });
});
