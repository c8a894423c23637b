/** @module The IPFIX encoder: message sizes, sequence numbers, options, family runs, and the errors it throws. */
import { describe, expect, it } from "vitest";
import { BASIC_FLOWS } from "../parser.case.js";
import { ENCODER_TEMPLATE_IDS, encodeIpfix, encodeIpfixMessages } from "./encode.js";
import { parseAll, setIds } from "./testkit.js";

const header = (m: Uint8Array) => {
  const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
  return { version: v.getUint16(0), length: v.getUint16(2), exportTime: v.getUint32(4), sequence: v.getUint32(8), domain: v.getUint32(12) };
};
const comparable = (flows: { exporterId: string }[]) => flows.map(({ exporterId: _e, ...rest }) => rest);

describe("ipfix: encoder", () => {
  const many = Array.from({ length: 1000 }, (_, i) => ({
    ...BASIC_FLOWS[i % 4]!,
    ...(i % 3 === 0 ? { src: `2001:db8::${(i + 1).toString(16)}`, dst: "2001:db8::1" } : {}),
    srcPort: i,
  }));

  it("keeps messages within maxMessageBytes, numbers them by data records sent, and preserves flow order across families", () => {
    const { messages, nextSequence } = encodeIpfixMessages(many, { maxMessageBytes: 1000, sequence: 4294967000, domain: 9 });
    let seq = 4294967000;
    for (const m of messages.slice(1)) {
      const h = header(m);
      expect(h).toMatchObject({ version: 10, length: m.length, domain: 9, sequence: seq });
      expect(m.length).toBeLessThanOrEqual(1000);
      const { report } = parseAll([messages[0]!, m]);
      seq = (seq + report.accepted) % 2 ** 32;
    }
    expect(nextSequence).toBe(seq);
    const { flows, report } = parseAll(messages);
    expect(report).toMatchObject({ accepted: 1000, rejected: 0 });
    expect(comparable(flows)).toEqual(comparable(many));
  });

  it("leads with IPv4 and IPv6 templates; adds options templates and records for uptime and sampling", () => {
    expect(setIds(encodeIpfix(BASIC_FLOWS)[0]!)).toEqual([2]);
    const sampled = BASIC_FLOWS.map((f) => ({ ...f, samplingRate: 64 }));
    expect(setIds(encodeIpfix(sampled, { times: "uptime" })[0]!)).toEqual([2, 3, ENCODER_TEMPLATE_IDS.systemInit, ENCODER_TEMPLATE_IDS.sampling]);
    const { messages, nextSequence } = encodeIpfixMessages(sampled, { times: "uptime" });
    expect(header(messages[1]!).sequence).toBe(2); // two options records counted
    expect(nextSequence).toBe(6);
    expect(comparable(parseAll(messages).flows)).toEqual(comparable(sampled));
  });

  it("continues a stream without templates; the export time is the latest end of each message unless given", () => {
    const first = encodeIpfixMessages(BASIC_FLOWS);
    const next = encodeIpfixMessages(BASIC_FLOWS, { templates: false, sequence: first.nextSequence, exportTimeMs: 1_800_000_000_500 });
    expect(next.messages).toHaveLength(1);
    expect(header(next.messages[0]!)).toMatchObject({ sequence: 4, exportTime: 1_800_000_001 });
    expect(header(first.messages[1]!).exportTime).toBe(Math.ceil(Math.max(...BASIC_FLOWS.map((f) => f.endMs)) / 1000));
    expect(parseAll([...first.messages, ...next.messages]).report.accepted).toBe(8);
  });

  it("writes 4-byte counters when asked, and refuses values that do not fit", () => {
    const small = encodeIpfix(BASIC_FLOWS, { counterLength: 4 });
    expect(small[1]!.length).toBeLessThan(encodeIpfix(BASIC_FLOWS)[1]!.length);
    expect(comparable(parseAll(small).flows)).toEqual(comparable(BASIC_FLOWS));
    expect(() => encodeIpfix([{ ...BASIC_FLOWS[0]!, bytes: 2 ** 32 }], { counterLength: 4 })).toThrow(RangeError);
  });

  it("throws RangeError on flows it cannot carry", () => {
    const bad = [
      { ...BASIC_FLOWS[0]!, dst: "2001:db8::1" },
      { ...BASIC_FLOWS[0]!, src: "not an address" },
      { ...BASIC_FLOWS[0]!, endMs: BASIC_FLOWS[0]!.startMs - 1 },
      { ...BASIC_FLOWS[0]!, srcPort: 70000 },
      { ...BASIC_FLOWS[0]!, samplingRate: 0 },
      { ...BASIC_FLOWS[0]!, packets: 1.5 },
    ];
    for (const flow of bad) expect(() => encodeIpfix([flow])).toThrow(RangeError);
    expect(() => encodeIpfix(BASIC_FLOWS, { times: "uptime", systemInitMs: BASIC_FLOWS[0]!.startMs + 1 })).toThrow(RangeError);
    expect(() => encodeIpfix(BASIC_FLOWS, { maxMessageBytes: 40 })).toThrow(RangeError);
  });

  it("encodes no flows as just the template message", () => {
    const messages = encodeIpfix([]);
    expect(messages).toHaveLength(1);
    expect(parseAll(messages).report).toMatchObject({ accepted: 0, rejected: 0 });
  });
});
