/** @module IPFIX parser: the shared parser cases (inside workerd, which proves it Workers-safe) and message-level checks. */
import { describe, expect, it } from "vitest";
import { BASIC_FLOWS, runParserCases } from "../parser.case.js";
import { encodeIpfix } from "./encode.js";
import { buildMessage, buildSet } from "./message.js";
import { parseAll, remessage, splitSets } from "./testkit.js";

runParserCases({
  name: "ipfix",
  encode: (flows) => encodeIpfix(flows),
  parse: (inputs) => parseAll(inputs),
});

describe("ipfix: message and set framing", () => {
  const [templates, data] = encodeIpfix(BASIC_FLOWS) as [Uint8Array, Uint8Array];

  it("rejects a message whose length field differs from the datagram (bad_length), whole", () => {
    const longer = new Uint8Array(data.length + 4);
    longer.set(data);
    const { report } = parseAll([templates, longer, data.subarray(0, data.length - 1)]);
    expect(report.accepted).toBe(0);
    expect(report.rejected).toBe(2);
    expect(report.issues.map((i) => i.code)).toEqual(["bad_length", "bad_length"]);
  });

  it("rejects other versions and runts", () => {
    const v9 = data.slice();
    v9[1] = 9;
    const { report } = parseAll([templates, v9, data.subarray(0, 10)]);
    expect(report.issues.map((i) => i.code)).toEqual(["bad_version", "truncated"]);
    expect(report.accepted).toBe(0);
  });

  it("stops at a set shorter than its header or running past the message, keeping the sets before it", () => {
    const [set] = splitSets(data) as [Uint8Array];
    const short = buildSet(300, []).slice();
    short[3] = 2; // length 2 < 4
    const { flows, report } = parseAll([templates, remessage(data, [set, short])]);
    expect(flows).toHaveLength(BASIC_FLOWS.length);
    expect(report.issues.map((i) => i.code)).toEqual(["bad_length"]);
    const past = remessage(data, [set]);
    new DataView(past.buffer).setUint16(16 + 2, set.length + 1); // set length beyond the message
    const second = parseAll([templates, past]);
    expect(second.report.accepted).toBe(0);
    expect(second.report.issues.map((i) => i.code)).toEqual(["bad_length"]);
  });

  it("skips reserved set ids (0, 1, 4..255) without complaint", () => {
    const [set] = splitSets(data) as [Uint8Array];
    const { flows, report } = parseAll([templates, remessage(data, [buildSet(1, [new Uint8Array(8)]), buildSet(255, []), set])]);
    expect(flows).toHaveLength(BASIC_FLOWS.length);
    expect(report.rejected).toBe(0);
  });

  it("accepts a message with only a header, and an empty data set", () => {
    const { report } = parseAll([buildMessage({ domain: 0, exportTime: 1, sequence: 0 }, []), templates, remessage(data, [buildSet(256, [])])]);
    expect(report).toMatchObject({ accepted: 0, rejected: 0, buffered: 0 });
  });

  it("keeps observation domains apart: a template of domain 1 does not decode domain 0 data", () => {
    const other = encodeIpfix(BASIC_FLOWS, { domain: 1 });
    const { flows, report } = parseAll([other[0]!, data]);
    expect(flows).toHaveLength(0);
    expect(report.buffered).toBe(1);
  });

  it("decodes many messages after one template message, in order", () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ ...BASIC_FLOWS[i % 4]!, srcPort: i + 1 }));
    const messages = encodeIpfix(many);
    expect(messages.length).toBeGreaterThan(3);
    const { flows, report } = parseAll(messages);
    expect(report).toMatchObject({ accepted: 500, rejected: 0 });
    expect(flows.map((f) => f.srcPort)).toEqual(many.map((f) => f.srcPort));
  });
});
