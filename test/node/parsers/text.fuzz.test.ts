/** @module Fuzz for the text parsers (nfdump CSV, JSON/NDJSON): any input gives a report, never an exception, and only valid rows. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeFlowJson } from "../../../edge/src/parsers/json/encode.js";
import { flowJson } from "../../../edge/src/parsers/json/parse.js";
import { encodeNfdumpCsv } from "../../../edge/src/parsers/nfdump-csv/encode.js";
import { nfdumpCsv } from "../../../edge/src/parsers/nfdump-csv/parse.js";
import { BASIC_FLOWS, collect } from "../../../edge/src/parsers/parser.case.js";
import { MAX_ISSUES, type TextParser } from "../../../edge/src/parsers/types.js";
import { checkFlow, MAX_FLOW_TIME_MS, validateFlow } from "../../../shared/flow/record.js";

const PARSERS: TextParser[] = [nfdumpCsv, flowJson];
const FLOWS = [...BASIC_FLOWS, { ...BASIC_FLOWS[1]!, src: "2001:db8::10", dst: "2606:4700::1111", packets: 2 ** 33 + 5 }];
const VALID = [
  encodeNfdumpCsv(FLOWS),
  encodeFlowJson(FLOWS, { format: "goflow2" }),
  encodeFlowJson(FLOWS, { format: "ndjson-native" }),
  `[${encodeFlowJson(FLOWS, { format: "goflow2" }).trimEnd().split("\n").join(",")}]`,
];

/** Parses with both parsers and checks the invariants; returns nothing, throws only on a broken invariant. */
function check(text: string, maxRecords = 1000): void {
  for (const parser of PARSERS) {
    const { flows, report } = collect((out, r) => parser.parseText(text, out, r, { maxRecords }));
    expect(flows.length).toBe(report.accepted);
    expect(report.accepted).toBeLessThanOrEqual(maxRecords);
    expect(report.issues.length).toBeLessThanOrEqual(MAX_ISSUES);
    for (const flow of flows) expect(validateFlow(flow)).toEqual(flow);
  }
}

const SPECIALS = [",", "\n", "\r\n", ".", ":", "-", " ", "9", "0", "{", "}", "[", "]", '"', "\\", "\u0000", "\ufeff", "é", "1e400", "-1", "NaN", "99999999999999999999999", "18446744073709551616"];

const mutation = fc.oneof(
  // flip one character to anything, or to a character that means something to CSV/JSON
  fc.tuple(fc.nat(), fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), fc.constantFrom(...SPECIALS))).map(([at, s]) => (t: string) => {
    const i = at % Math.max(1, t.length);
    return t.slice(0, i) + s + t.slice(i + 1);
  }),
  // truncate
  fc.nat().map((at) => (t: string) => t.slice(0, at % (t.length + 1))),
  // replace a number with a huge, negative or fractional one
  fc.tuple(fc.nat(), fc.constantFrom("1e308", "1e400", "-5", "0.5", "9007199254740993", "4294967296", "65536", "256")).map(([n, v]) => (t: string) => {
    let k = 0;
    return t.replace(/\d+/g, (m) => (k++ === n % 40 ? v : m));
  }),
  // duplicate or drop a line
  fc.tuple(fc.nat(), fc.boolean()).map(([n, dup]) => (t: string) => {
    const lines = t.split("\n");
    const i = n % lines.length;
    lines.splice(i, dup ? 0 : 1, ...(dup ? [lines[i]!] : []));
    return lines.join("\n");
  }),
);

describe("text parsers: fuzz", () => {
  it("random strings give reports, never exceptions", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 500, size: "max" }), (s) => check(s)), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...SPECIALS, "a", "ts", "TCP", "127.0.0.1"), maxLength: 80 }), (s) => check(s)), { numRuns: 300 });
  });

  it("mutated valid CSV and JSON give reports, never exceptions, and only valid rows", () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 8 }), (text, steps, max) => {
        check(steps.reduce((t, step) => step(t), text), max);
      }),
      { numRuns: 600 },
    );
  });

  it("1e5-deep nesting, closed or not, anywhere, gives a report", () => {
    const depth = 100_000;
    const open = "[".repeat(depth);
    const close = "]".repeat(depth);
    const objects = '{"a":'.repeat(depth);
    for (const text of [
      open,
      open + close,
      `${objects}1${"}".repeat(depth)}`,
      objects,
      `{"flows":${open}${close}}`,
      `${encodeFlowJson(FLOWS, { format: "goflow2" })}${open}${close}\n{"src_addr":${open}}\n`,
      `${encodeNfdumpCsv(FLOWS)}${open}\n`,
    ]) {
      check(text);
    }
  });

  it("json: the fast path accepts exactly what validateFlow accepts, with the same values", () => {
    const T = Date.UTC(2024, 4, 17);
    const edge = (...values: unknown[]) => fc.constantFrom(...values);
    const anyOf = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: edge(undefined, null, "1", true, [], {}, -1, 0.5, 1e300) });
    const record = fc.record({
      startMs: anyOf(fc.oneof(fc.integer({ min: T, max: T + 1e6 }), edge(0, -1, MAX_FLOW_TIME_MS, MAX_FLOW_TIME_MS + 1, T + 0.25))),
      endMs: anyOf(fc.oneof(fc.integer({ min: T, max: T + 2e6 }), edge(T + 86_400_000, T + 86_400_001, MAX_FLOW_TIME_MS))),
      src: anyOf(edge("10.0.0.1", "2001:db8::1", "::ffff:10.0.0.9", "010.0.0.1", "1.2.3", "256.0.0.1", "2001:DB8::0:1", " 10.0.0.1", "")),
      dst: anyOf(edge("10.0.0.2", "2001:db8::2", "203.0.113.10", "fe80::1%eth0")),
      srcPort: anyOf(fc.oneof(fc.integer({ min: 0, max: 65535 }), edge(65536, -1, 1.5))),
      dstPort: anyOf(fc.integer({ min: -1, max: 65536 })),
      protocol: anyOf(fc.integer({ min: -1, max: 256 })),
      tcpFlags: anyOf(fc.integer({ min: -1, max: 256 })),
      packets: anyOf(fc.oneof(fc.nat(), edge(2 ** 53, 1.5, -1))),
      bytes: anyOf(fc.oneof(fc.nat(), edge(2 ** 60, 0.1, -0))),
      samplingRate: anyOf(fc.integer({ min: -1, max: 2 ** 32 })),
      exporterId: anyOf(edge("", "192.0.2.1/0", "x".repeat(129), 7)),
    }, { requiredKeys: [] });
    fc.assert(
      fc.property(record, (o) => {
        const line = JSON.stringify(o);
        const { flows, report } = collect((out, r) => flowJson.parseText(line, out, r, { maxRecords: 10 }));
        const expected = checkFlow(JSON.parse(line));
        expect(report.accepted).toBe(expected.ok ? 1 : 0);
        if (expected.ok) expect(flows[0]).toEqual({ ...expected.flow, exporterId: "" });
        else expect(report.issues[0]!.message).toBe(`record 1: ${expected.error.message}`);
      }),
      { numRuns: 2000 },
    );
  });
});
