// Fuzz of the NetFlow v9 (and v5) parsers with one exporter state across many datagrams: real and encoded datagrams
// with bit flips, truncation and corrupted length fields, and random bytes. Only reports, never exceptions; every
// accepted flow passes validateFlow; templates, samplers and waiting data stay within their bounds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FlowColumns } from "../../../shared/flow/columns.js";
import { validateFlow } from "../../../shared/flow/record.js";
import { ExporterState, MAX_TEMPLATES, PENDING_MAX_BYTES } from "../../../edge/src/parsers/exporter-state.js";
import { encodeNetflowV5 } from "../../../edge/src/parsers/netflow-v5/encode.js";
import { netflowV5 } from "../../../edge/src/parsers/netflow-v5/parse.js";
import { encodeNetflowV9 } from "../../../edge/src/parsers/netflow-v9/encode.js";
import { netflowV9 } from "../../../edge/src/parsers/netflow-v9/parse.js";
import { BASIC_FLOWS, columnsToRecords } from "../../../edge/src/parsers/parser.case.js";
import { emptyReport, MAX_ISSUES, type DatagramParser } from "../../../edge/src/parsers/types.js";
import { readPcapUdp } from "../support/pcap.js";
import { HAVE_EXTERNAL_DATA } from "../support/nfdump-truth.js";
import { AKVORADO, EXPORTS } from "./netflow-v5-v9.support.js";

const T0 = Date.UTC(2024, 4, 17, 10, 35);

/** Valid datagrams to mutate: the encoder's (always), plus real exports when the external data is present. */
function corpus(version: 5 | 9): Uint8Array[] {
  const mixed = [...BASIC_FLOWS, { ...BASIC_FLOWS[1]!, src: "2001:db8::1", dst: "2001:db8::2", samplingRate: 100 }, { ...BASIC_FLOWS[0]!, bytes: 2 ** 40 }];
  const encoded = version === 9 ? encodeNetflowV9(mixed, { maxDatagramBytes: 200 }) : encodeNetflowV5(BASIC_FLOWS);
  if (!HAVE_EXTERNAL_DATA) return encoded;
  const files =
    version === 9
      ? [
          `${EXPORTS}softflowd/loopback.softflowd.nfv9.pcap`,
          `${EXPORTS}pmacct/loopback.pmacct.nfv9.pcap`,
          `${EXPORTS}softflowd/tcpreplay.test.nfv9.pcap`,
          ...["options-template", "options-data", "template", "data", "data+templates", "icmp-template", "icmp-data", "nat"].map((n) => `${AKVORADO}${n}.pcap`),
          ...["multiplesamplingrates-options-template", "multiplesamplingrates-options-data", "multiplesamplingrates-template", "multiplesamplingrates-data"].map((n) => `${AKVORADO}${n}.pcap`),
        ]
      : [`${EXPORTS}softflowd/loopback.softflowd.nfv5.pcap`, `${AKVORADO}nfv5.pcap`];
  return [...encoded, ...files.flatMap((f) => readPcapUdp(f).slice(0, 12).map((d) => d.payload))];
}

/** Offsets of the v9 length-like fields of a datagram: flowset lengths, template field counts and field lengths. */
function lengthFields(b: Uint8Array): number[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [2];
  for (let o = 20; o + 4 <= b.length; ) {
    const id = dv.getUint16(o);
    const len = dv.getUint16(o + 2);
    out.push(o + 2);
    if (len < 4) break;
    if (id === 0) {
      for (let t = o + 4; t + 4 <= Math.min(o + len, b.length); ) {
        const count = dv.getUint16(t + 2);
        out.push(t + 2);
        for (let f = 0; f < count && t + 8 + 4 * f <= b.length; f++) out.push(t + 6 + 4 * f);
        t += 4 + 4 * count;
      }
    }
    o += len;
  }
  return out;
}

type Mutation = { kind: "flip"; pos: number; bit: number } | { kind: "cut"; at: number } | { kind: "length"; which: number; value: number } | { kind: "none" };

function mutate(b: Uint8Array, m: Mutation): Uint8Array {
  const c = b.slice();
  if (c.length === 0) return c;
  switch (m.kind) {
    case "flip":
      c[m.pos % c.length]! ^= 1 << m.bit;
      return c;
    case "cut":
      return c.subarray(0, m.at % (c.length + 1));
    case "length": {
      const offsets = lengthFields(c);
      const o = offsets[m.which % offsets.length]!;
      if (o + 2 <= c.length) new DataView(c.buffer).setUint16(o, m.value);
      return c;
    }
    default:
      return c;
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), pos: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("length" as const), which: fc.nat(), value: fc.oneof(fc.constantFrom(0, 1, 3, 4, 5, 0xffff, 0xfffc), fc.nat(0xffff)) }),
  fc.constant({ kind: "none" as const }),
);

/** Parses a sequence into one state, checking the invariants after each datagram. */
function runSequence(parser: DatagramParser, inputs: { bytes: Uint8Array; at: number }[]): void {
  const state = new ExporterState();
  const out = new FlowColumns(64);
  for (const { bytes, at } of inputs) {
    const report = emptyReport();
    const before = out.length;
    parser.parseDatagram({ exporter: "192.0.2.1", receivedAtMs: at, bytes }, state, out, report);
    expect(out.length - before).toBe(report.accepted);
    expect(report.released).toBeLessThanOrEqual(report.accepted);
    expect(report.rejected).toBeGreaterThanOrEqual(0);
    expect(report.issues.length).toBeLessThanOrEqual(MAX_ISSUES);
    expect(state.templateCount()).toBeLessThanOrEqual(MAX_TEMPLATES);
    expect(state.snapshot().pending.reduce((n, p) => n + p.bytes.length, 0)).toBeLessThanOrEqual(PENDING_MAX_BYTES);
  }
  for (const flow of columnsToRecords(out)) validateFlow(flow); // throws on any out-of-range value
}

describe("netflow-v9 fuzz: one exporter state across mutated real and encoded datagrams", () => {
  const valid = corpus(9);

  it("mutated datagram sequences (bit flips, truncation, corrupted length fields) give reports, never exceptions", () => {
    const step = fc.record({ which: fc.nat(), m: mutation, dt: fc.nat(90_000) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        let at = T0;
        runSequence(
          netflowV9,
          steps.map(({ which, m, dt }) => ({ bytes: mutate(valid[which % valid.length]!, m), at: (at += dt) })),
        );
      }),
      { numRuns: 400 },
    );
  });

  it("random bytes behind a valid v9 header prefix, and plain random bytes", () => {
    const header = new Uint8Array([0, 9, 0, 1, 0, 0, 0x10, 0, 0x65, 0x50, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 1500, size: "max" })), { minLength: 1, maxLength: 10 }), (items) => {
        runSequence(
          netflowV9,
          items.map(([prefixed, body], i) => ({ bytes: prefixed ? new Uint8Array([...header, ...body]) : body, at: T0 + i })),
        );
      }),
      { numRuns: 400 },
    );
  });

  it("every truncation of every corpus datagram, after the whole corpus primed the templates", () => {
    const state = new ExporterState();
    const out = new FlowColumns(1024);
    for (const bytes of valid) netflowV9.parseDatagram({ exporter: "x", receivedAtMs: T0, bytes }, state, out, emptyReport());
    for (const full of valid) {
      const whole = emptyReport();
      netflowV9.parseDatagram({ exporter: "x", receivedAtMs: T0, bytes: full }, ExporterState.restore(state.snapshot()), new FlowColumns(), whole);
      for (let cut = 0; cut < full.length; cut += 1 + (full.length >> 7)) {
        const report = emptyReport();
        const cols = new FlowColumns();
        netflowV9.parseDatagram({ exporter: "x", receivedAtMs: T0, bytes: full.subarray(0, cut) }, ExporterState.restore(state.snapshot()), cols, report);
        expect(cols.length).toBe(report.accepted);
        expect(report.accepted).toBeLessThanOrEqual(whole.accepted + whole.released);
      }
    }
  });

  it("a flood of data for unknown templates keeps the pending buffer bounded and expires it", () => {
    const state = new ExporterState();
    const out = new FlowColumns();
    const body = new Uint8Array(1400 - 24).fill(7);
    let dropped = 0;
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(1400);
      const dv = new DataView(b.buffer);
      dv.setUint16(0, 9);
      dv.setUint16(20, 256 + (i % 3000));
      dv.setUint16(22, 4 + body.length);
      b.set(body, 24);
      const report = emptyReport();
      netflowV9.parseDatagram({ exporter: "x", receivedAtMs: T0 + i, bytes: b }, state, out, report);
      dropped += report.rejected;
    }
    const pendingBytes = state.snapshot().pending.reduce((n, p) => n + p.bytes.length, 0);
    expect(pendingBytes).toBeLessThanOrEqual(PENDING_MAX_BYTES);
    expect(dropped).toBe(2000 - state.pendingCount());
    const later = emptyReport();
    netflowV9.parseDatagram({ exporter: "x", receivedAtMs: T0 + 10 * 60_000, bytes: new Uint8Array([0, 9, ...new Array(18).fill(0)]) }, state, out, later);
    expect(state.pendingCount()).toBe(0);
    expect(later.rejected).toBeGreaterThan(0);
    expect(out.length).toBe(0);
  });
});

describe("netflow-v5 fuzz: mutated real and encoded datagrams", () => {
  const valid = corpus(5);
  it("bit flips, truncation and corrupted counts give reports, never exceptions; accepted flows are valid", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ which: fc.nat(), m: mutation }), { minLength: 1, maxLength: 10 }), (steps) => {
        runSequence(
          netflowV5,
          steps.map(({ which, m }) => ({ bytes: mutate(valid[which % valid.length]!, m), at: T0 })),
        );
      }),
      { numRuns: 300 },
    );
  });
});
