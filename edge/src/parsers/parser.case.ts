/**
 * @module The one case suite every parser runs (v5, v9, IPFIX, nfdump CSV, JSON), in the style of
 * Hono's router cases: each implementation supplies an encoder for its own format and says which
 * capabilities it lacks; a case it cannot pass is skipped by name with the reason.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { columnsToRecords, FlowColumns } from "../../../shared/flow/columns.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { emptyReport, type ParseReport } from "./types.js";

export interface ParserCaseTarget {
  name: string;
  /** Encodes flows in the format (one or more inputs, e.g. a template datagram then data). */
  encode(flows: FlowRecord[]): Uint8Array[];
  /** Parses inputs in order with fresh state; must never throw on bad input. */
  parse(inputs: Uint8Array[]): { flows: FlowRecord[]; report: ParseReport };
  /** What the format cannot carry; cases that need it are skipped with this reason. */
  lacks?: { ipv6?: string; counters64?: string; sampling?: string; milliseconds?: string };
}

const T = Date.UTC(2024, 4, 17, 10, 30, 0);

/** Flows every format can carry (IPv4, 32-bit counters, whole seconds). */
export const BASIC_FLOWS: FlowRecord[] = [
  { startMs: T, endMs: T + 2000, src: "198.51.100.7", dst: "203.0.113.10", srcPort: 53, dstPort: 50000, protocol: 17, tcpFlags: 0, packets: 10, bytes: 15000, samplingRate: 1, exporterId: "" },
  { startMs: T + 1000, endMs: T + 61000, src: "203.0.113.10", dst: "8.8.8.8", srcPort: 44321, dstPort: 443, protocol: 6, tcpFlags: 0x1b, packets: 120, bytes: 98000, samplingRate: 1, exporterId: "" },
  { startMs: T + 3000, endMs: T + 3000, src: "192.0.2.1", dst: "203.0.113.11", srcPort: 0, dstPort: 771, protocol: 1, tcpFlags: 0, packets: 1, bytes: 84, samplingRate: 1, exporterId: "" },
  { startMs: T + 4000, endMs: T + 5000, src: "10.1.2.3", dst: "203.0.113.12", srcPort: 1234, dstPort: 80, protocol: 6, tcpFlags: 0x02, packets: 1, bytes: 60, samplingRate: 1, exporterId: "" },
];

export { columnsToRecords };

const comparable = (flows: FlowRecord[]) => flows.map(({ exporterId: _e, ...rest }) => rest);

export function runParserCases(target: ParserCaseTarget): void {
  const lacks = target.lacks ?? {};
  const caseIf = (reason: string | undefined) => (reason ? it.skip : it);

  describe(`${target.name}: shared parser cases`, () => {
    it("round-trips basic IPv4 flows exactly", () => {
      const { flows, report } = target.parse(target.encode(BASIC_FLOWS));
      expect(report.rejected).toBe(0);
      expect(report.accepted).toBe(BASIC_FLOWS.length);
      expect(comparable(flows)).toEqual(comparable(BASIC_FLOWS));
    });

    caseIf(lacks.milliseconds)(`keeps millisecond times${lacks.milliseconds ? ` (skipped: ${lacks.milliseconds})` : ""}`, () => {
      const input = BASIC_FLOWS.map((f, i) => ({ ...f, startMs: f.startMs + 137 + i, endMs: f.endMs + 911 }));
      expect(comparable(target.parse(target.encode(input)).flows)).toEqual(comparable(input));
    });

    caseIf(lacks.ipv6)(`round-trips IPv6 flows${lacks.ipv6 ? ` (skipped: ${lacks.ipv6})` : ""}`, () => {
      const input: FlowRecord[] = [
        { ...BASIC_FLOWS[0]!, src: "2001:db8:ffff::53", dst: "2001:db8::10" },
        { ...BASIC_FLOWS[1]!, src: "2001:db8::10", dst: "2606:4700::1111" },
      ];
      expect(comparable(target.parse(target.encode(input)).flows)).toEqual(comparable(input));
    });

    caseIf(lacks.counters64)(`carries counters above 2^32${lacks.counters64 ? ` (skipped: ${lacks.counters64})` : ""}`, () => {
      const input = [{ ...BASIC_FLOWS[1]!, packets: 2 ** 33 + 5, bytes: 2 ** 40 + 7 }];
      expect(comparable(target.parse(target.encode(input)).flows)).toEqual(comparable(input));
    });

    caseIf(lacks.sampling)(`carries the sampling rate${lacks.sampling ? ` (skipped: ${lacks.sampling})` : ""}`, () => {
      const input = BASIC_FLOWS.map((f) => ({ ...f, samplingRate: 1000 }));
      expect(comparable(target.parse(target.encode(input)).flows)).toEqual(comparable(input));
    });

    it("accepts empty input without error", () => {
      const { flows, report } = target.parse([new Uint8Array(0)]);
      expect(flows).toEqual([]);
      expect(report.accepted).toBe(0);
    });

    it("never throws on any truncation of a valid input, and never invents records", () => {
      const inputs = target.encode(BASIC_FLOWS);
      const last = inputs[inputs.length - 1]!;
      for (let cut = 0; cut < last.length; cut++) {
        const { flows, report } = target.parse([...inputs.slice(0, -1), last.subarray(0, cut)]);
        expect(flows.length).toBe(report.accepted);
        expect(report.accepted).toBeLessThanOrEqual(BASIC_FLOWS.length);
      }
    });

    it("fuzz: random and mutated inputs give reports, never exceptions", () => {
      const valid = target.encode(BASIC_FLOWS);
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 2000, size: "max" }).map((b) => [b]),
            fc.tuple(fc.nat(), fc.nat(255), fc.nat()).map(([pos, value, which]) => {
              const copy = valid.map((b) => b.slice());
              const target = copy[which % copy.length]!;
              if (target.length > 0) target[pos % target.length] = value;
              return copy;
            }),
          ),
          (inputs) => {
            const { flows, report } = target.parse(inputs);
            expect(flows.length).toBe(report.accepted);
            expect(report.issues.length).toBeLessThanOrEqual(20);
          },
        ),
        { numRuns: 500 },
      );
    });
  });
}

/** Helper for implementations: run a parse function into fresh columns and return records. */
export function collect(run: (out: FlowColumns, report: ParseReport) => void): { flows: FlowRecord[]; report: ParseReport } {
  const out = new FlowColumns(64);
  const report = emptyReport();
  run(out, report);
  return { flows: columnsToRecords(out), report };
}
