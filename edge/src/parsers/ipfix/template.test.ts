/** @module IPFIX templates: withdrawal, variable-length and enterprise fields, padding, bad templates, re-announcement and restore. */
import { describe, expect, it } from "vitest";
import { ExporterState } from "../exporter-state.js";
import { BASIC_FLOWS } from "../parser.case.js";
import { encodeIpfix } from "./encode.js";
import { IE, VARIABLE_LENGTH } from "./ie.js";
import { buildMessage, buildOptionsTemplateSet, buildSet, buildTemplateRecord, buildTemplateSet, type FieldSpec } from "./message.js";
import { be, parseAll, remessage, splitSets } from "./testkit.js";

const T = Date.UTC(2024, 4, 17, 10, 30, 0);
const HDR = { domain: 7, exportTime: T / 1000 + 60, sequence: 0 };
const msg = (...sets: Uint8Array[]) => buildMessage(HDR, sets);
const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat());

/** src 10.0.0.1 → dst 10.0.0.2, a var-length field between, then bytes, packets, start, end. */
const VAR_FIELDS: FieldSpec[] = [
  { id: IE.sourceIPv4Address, length: 4 },
  { id: IE.destinationIPv4Address, length: 4 },
  { id: 82, length: VARIABLE_LENGTH }, // interfaceName
  { id: IE.octetDeltaCount, length: 4 },
  { id: IE.packetDeltaCount, length: 4 },
  { id: IE.flowStartMilliseconds, length: 8 },
  { id: IE.flowEndMilliseconds, length: 8 },
];
function varRecord(name: number[], packets: number): number[] {
  return [...[10, 0, 0, 1], ...[10, 0, 0, 2], ...name, ...be(packets * 100, 4), ...be(packets, 4), ...be(T, 8), ...be(T + 5, 8)];
}

describe("ipfix: templates", () => {
  const [templates, data] = encodeIpfix(BASIC_FLOWS) as [Uint8Array, Uint8Array];
  const withdraw = (id: number, setId = 2) => remessage(templates, [buildSet(setId, [buildTemplateRecord({ id, fields: [] })])]);

  it("withdraws one template (field count 0): its data waits again until it is re-announced", () => {
    const { report, state } = parseAll([templates, data, withdraw(256), data]);
    expect(report).toMatchObject({ accepted: 4, buffered: 1 });
    expect(state.getTemplate(0, 256)).toBeUndefined();
    expect(state.getTemplate(0, 257)).toBeDefined();
    const again = parseAll([templates], state);
    expect(again.report).toMatchObject({ accepted: 4, released: 4 });
  });

  it("withdraws all data templates (id 2) or all options templates (id 3) of the domain", () => {
    const uptime = encodeIpfix(BASIC_FLOWS, { times: "uptime" })[0]!;
    const a = parseAll([uptime, withdraw(2)]);
    expect(a.state.getTemplate(0, 256)).toBeUndefined();
    expect(a.state.getTemplate(0, 257)).toBeUndefined();
    expect(a.state.getTemplate(0, 258)?.kind).toBe("options");
    const b = parseAll([uptime, withdraw(3, 3)]);
    expect(b.state.getTemplate(0, 258)).toBeUndefined();
    expect(b.state.getTemplate(0, 256)).toBeDefined();
    expect(a.report.rejected + b.report.rejected).toBe(0);
  });

  it("reads variable-length fields with 1-byte and 255 + 2-byte lengths", () => {
    const long = Array.from({ length: 300 }, (_, i) => i & 0xff);
    const tmpl = msg(buildTemplateSet([{ id: 400, fields: VAR_FIELDS }]));
    const records = bytes(varRecord([4, ...[101, 116, 104, 48]], 3), varRecord([255, ...be(300, 2), ...long], 5), varRecord([0], 7));
    const { flows, report } = parseAll([tmpl, msg(buildSet(400, [records]))]);
    expect(report).toMatchObject({ accepted: 3, rejected: 0 });
    expect(flows.map((f) => [f.src, f.dst, f.packets, f.bytes, f.startMs, f.endMs])).toEqual([
      ["10.0.0.1", "10.0.0.2", 3, 300, T, T + 5],
      ["10.0.0.1", "10.0.0.2", 5, 500, T, T + 5],
      ["10.0.0.1", "10.0.0.2", 7, 700, T, T + 5],
    ]);
  });

  it("stops at a variable-length field that runs past the set (bad_length), keeping earlier records", () => {
    const tmpl = msg(buildTemplateSet([{ id: 400, fields: VAR_FIELDS }]));
    const records = bytes(varRecord([1, 65], 3), varRecord([255, ...be(5000, 2)], 5));
    const { report } = parseAll([tmpl, msg(buildSet(400, [records]))]);
    expect(report.accepted).toBe(1);
    expect(report.issues.map((i) => i.code)).toEqual(["bad_length"]);
  });

  it("skips enterprise fields (E bit + enterprise number), fixed and variable-length", () => {
    const fields: FieldSpec[] = [
      { id: IE.sourceIPv4Address, length: 4 },
      { id: IE.octetDeltaCount, length: 8, enterprise: 29305 }, // RFC 5103 reverse octets
      { id: IE.destinationIPv4Address, length: 4 },
      { id: 1000, length: VARIABLE_LENGTH, enterprise: 9 },
      { id: IE.octetDeltaCount, length: 4 },
      { id: IE.packetDeltaCount, length: 4 },
    ];
    const tmpl = msg(buildTemplateSet([{ id: 500, fields }]));
    const record = bytes([1, 2, 3, 4], be(999_999, 8), [5, 6, 7, 8], [2, 0xaa, 0xbb], be(1500, 4), be(3, 4));
    const { flows, report } = parseAll([tmpl, msg(buildSet(500, [record]))]);
    expect(report.issues).toEqual([]);
    expect(report).toMatchObject({ accepted: 1, rejected: 0 });
    expect(flows[0]).toMatchObject({ src: "1.2.3.4", dst: "5.6.7.8", bytes: 1500, packets: 3, startMs: HDR.exportTime * 1000 });
  });

  it("tolerates padding at the end of template and data sets", () => {
    const [tset] = splitSets(templates) as [Uint8Array];
    const [dset] = splitSets(data) as [Uint8Array];
    const body = (s: Uint8Array) => s.subarray(4);
    const paddedTemplates = remessage(templates, [buildSet(2, [body(tset)], 4)]);
    const paddedData = remessage(data, [buildSet(256, [body(dset)], 3)]);
    const { flows, report } = parseAll([paddedTemplates, paddedData]);
    expect(report).toMatchObject({ accepted: 4, rejected: 0 });
    expect(flows).toHaveLength(4);
    const tmpl = msg(buildTemplateSet([{ id: 400, fields: VAR_FIELDS }]));
    const varPadded = parseAll([tmpl, msg(buildSet(400, [bytes(varRecord([0], 2))], 3))]);
    expect(varPadded.report).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it("reports unusable templates as bad_template and goes on", () => {
    const reserved = buildSet(2, [buildTemplateRecord({ id: 100, fields: [{ id: 8, length: 4 }] })]);
    const zeroLength = buildTemplateSet([{ id: 300, fields: [{ id: 8, length: 0 }, { id: 12, length: 0 }] }]);
    const noScope = buildOptionsTemplateSet([{ id: 301, scopeFieldCount: 0, fields: [{ id: 160, length: 8 }] }]);
    const tooManyScopes = buildOptionsTemplateSet([{ id: 302, scopeFieldCount: 3, fields: [{ id: 160, length: 8 }] }]);
    const cut = buildTemplateSet([{ id: 303, fields: [{ id: 8, length: 4 }] }]);
    new DataView(cut.buffer).setUint16(6, 40); // claims 40 fields
    const { report, state } = parseAll([msg(reserved), msg(zeroLength), msg(noScope), msg(tooManyScopes), msg(cut), templates, data]);
    expect(report.issues.map((i) => i.code)).toEqual(Array(5).fill("bad_template"));
    expect(state.templateCount()).toBe(2);
    expect(report.accepted).toBe(4);
  });

  it("keeps the same template object on an identical re-announcement (no state change)", () => {
    const { state } = parseAll([templates]);
    const before = state.getTemplate(0, 256);
    state.dirty = false;
    parseAll([templates], state);
    expect(state.getTemplate(0, 256)).toBe(before);
    expect(state.dirty).toBe(false);
  });

  it("replaces a template whose fields changed and decodes with the new layout", () => {
    const { state } = parseAll([templates]);
    const counters4 = encodeIpfix(BASIC_FLOWS, { counterLength: 4 });
    const { flows, report } = parseAll(counters4, state);
    expect(report).toMatchObject({ accepted: 4, rejected: 0 });
    expect(flows.map((f) => f.bytes)).toEqual(BASIC_FLOWS.map((f) => f.bytes));
  });

  it("decodes after the state went through a structured-clone snapshot and restore", () => {
    const { state } = parseAll([templates]);
    const restored = ExporterState.restore(structuredClone(state.snapshot()));
    const { flows, report } = parseAll([data], restored);
    expect(report).toMatchObject({ accepted: 4, rejected: 0 });
    expect(flows[1]).toMatchObject({ src: BASIC_FLOWS[1]!.src, packets: BASIC_FLOWS[1]!.packets });
  });
});
