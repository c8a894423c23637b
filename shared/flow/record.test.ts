// Tests for flow-record validation: normalization and one typed error per kind of bad input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkFlow, FlowValidationError, validateFlow } from "./record.js";

const good = {
  startMs: 1_700_000_000_000,
  endMs: 1_700_000_030_000,
  src: "2001:DB8::0:1",
  dst: "2001:db8::2",
  srcPort: 53,
  dstPort: 50000,
  protocol: 17,
  tcpFlags: 0,
  packets: 10,
  bytes: 15000,
  samplingRate: 1,
  exporterId: "192.0.2.1/0",
};

describe("validateFlow", () => {
  it("normalizes addresses and defaults", () => {
    const { samplingRate: _s, tcpFlags: _t, exporterId: _e, ...minimal } = good;
    const flow = validateFlow(minimal);
    expect(flow.src).toBe("2001:db8::1");
    expect(flow.samplingRate).toBe(1);
    expect(flow.tcpFlags).toBe(0);
    expect(flow.exporterId).toBe("");
  });

  const cases: [string, Record<string, unknown> | unknown, string, string | null][] = [
    ["array", [], "not_an_object", null],
    ["missing bytes", { ...good, bytes: undefined }, "missing_field", "bytes"],
    ["string packets", { ...good, packets: "10" }, "wrong_type", "packets"],
    ["NaN start", { ...good, startMs: Number.NaN }, "wrong_type", "startMs"],
    ["bad address", { ...good, dst: "999.1.1.1" }, "bad_address", "dst"],
    ["mixed families", { ...good, dst: "192.0.2.1" }, "mixed_families", "dst"],
    ["port too big", { ...good, srcPort: 65536 }, "out_of_range", "srcPort"],
    ["fractional protocol", { ...good, protocol: 6.5 }, "out_of_range", "protocol"],
    ["sampling 0", { ...good, samplingRate: 0 }, "out_of_range", "samplingRate"],
    ["negative bytes", { ...good, bytes: -1 }, "out_of_range", "bytes"],
    ["end before start", { ...good, endMs: good.startMs - 1 }, "time_order", "endMs"],
    ["two days long", { ...good, endMs: good.startMs + 2 * 86_400_000 }, "too_long", "endMs"],
    ["year 2200", { ...good, startMs: 7.3e12, endMs: 7.3e12 }, "out_of_range", "startMs"],
    ["huge exporter id", { ...good, exporterId: "x".repeat(200) }, "wrong_type", "exporterId"],
  ];
  for (const [name, input, code, field] of cases) {
    it(`rejects ${name} with ${code}`, () => {
      const result = checkFlow(input);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toBeInstanceOf(FlowValidationError);
      expect(result.error.code).toBe(code);
      expect(result.error.field).toBe(field);
      expect(result.error.message.length).toBeGreaterThan(5);
    });
  }
});

describe("validateFlow fuzz", () => {
  it("any JSON value gives a flow or a FlowValidationError, nothing else", () => {
    const field = fc.oneof(fc.anything(), fc.integer(), fc.double(), fc.string(), fc.constant("192.0.2.1"), fc.constant("2001:db8::1"));
    const shaped = fc.record(
      Object.fromEntries(Object.keys(good).map((k) => [k, field])),
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), shaped, fc.record({ ...Object.fromEntries(Object.entries(good).map(([k, v]) => [k, fc.constant(v)])), packets: fc.anything() })), (input) => {
        try {
          const flow = validateFlow(input);
          expect(flow.endMs).toBeGreaterThanOrEqual(flow.startMs);
        } catch (err) {
          expect(err).toBeInstanceOf(FlowValidationError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
