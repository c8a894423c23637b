/** @module IPFIX fuzzing: mutated real messages and random bytes give reports, never exceptions, hangs or unbounded state. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExporterState, MAX_TEMPLATES, PENDING_MAX_BYTES } from "../../../edge/src/parsers/exporter-state.js";
import { encodeIpfix } from "../../../edge/src/parsers/ipfix/encode.js";
import { IE, VARIABLE_LENGTH } from "../../../edge/src/parsers/ipfix/ie.js";
import { buildMessage, buildSet, buildTemplateSet } from "../../../edge/src/parsers/ipfix/message.js";
import { ipfix } from "../../../edge/src/parsers/ipfix/parse.js";
import { BASIC_FLOWS, collect } from "../../../edge/src/parsers/parser.case.js";
import { MAX_ISSUES } from "../../../edge/src/parsers/types.js";
import { checkFlow } from "../../../shared/flow/record.js";
import { EXTERNAL_DATA, HAVE_EXTERNAL_DATA } from "../support/nfdump-truth.js";
import { readPcapUdp } from "../support/pcap.js";

/** Real messages when the external data is present (templates first), else encoder output; plus a variable-length template. */
function corpus(): Uint8Array[][] {
  const varTemplate = buildMessage({ domain: 0, exportTime: 1_700_000_000, sequence: 0 }, [
    buildTemplateSet([
      {
        id: 400,
        fields: [
          { id: IE.sourceIPv4Address, length: 4 },
          { id: 82, length: VARIABLE_LENGTH },
          { id: IE.destinationIPv4Address, length: 4 },
          { id: 83, length: VARIABLE_LENGTH },
          { id: IE.packetDeltaCount, length: 4 },
        ],
      },
    ]),
  ]);
  const varData = buildMessage({ domain: 0, exportTime: 1_700_000_000, sequence: 0 }, [
    buildSet(400, [Uint8Array.from([10, 0, 0, 1, 3, 97, 98, 99, 10, 0, 0, 2, 255, 0, 4, 1, 2, 3, 4, 0, 0, 0, 9, 10, 0, 0, 3, 0, 10, 0, 0, 4, 1, 65, 0, 0, 0, 1])]),
  ]);
  const sets: Uint8Array[][] = [encodeIpfix(BASIC_FLOWS), encodeIpfix(BASIC_FLOWS, { times: "uptime" }), encodeIpfix(BASIC_FLOWS.map((f) => ({ ...f, samplingRate: 100 }))), [varTemplate, varData]];
  if (HAVE_EXTERNAL_DATA) {
    const pcap = (p: string, n = 6) => readPcapUdp(`${EXTERNAL_DATA}${p}`).slice(0, n).map((d) => d.payload);
    sets.push(
      pcap("netflow-exports/softflowd/cic2019.CIC-DDoS-2019-SynFlood.ipfix.pcap"),
      pcap("netflow-exports/softflowd/loopback.softflowd.ipfix-uptime.pcap"),
      pcap("netflow-exports/pmacct/loopback.pmacct.ipfix.pcap"),
      [...pcap("vendor-export-fixtures-akvorado/ipfixprobe-templates.pcap"), ...pcap("vendor-export-fixtures-akvorado/ipfixprobe-data.pcap")],
      [...pcap("vendor-export-fixtures-akvorado/datalink-template.pcap"), ...pcap("vendor-export-fixtures-akvorado/datalink-data.pcap")],
      pcap("vendor-export-fixtures-akvorado/mpls.pcap"),
      pcap("vendor-export-fixtures-akvorado/physicalinterfaces.pcap"),
    );
  }
  return sets;
}
const CORPUS = corpus();

/** Sets the message length field to the datagram's length, so the parser looks past the header. */
function fixLength(bytes: Uint8Array): Uint8Array {
  if (bytes.length >= 4) new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint16(2, Math.min(bytes.length, 65535));
  return bytes;
}

/** Offsets of the set headers of a message (to corrupt set lengths precisely). */
function setHeaderOffsets(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let pos = 16; pos + 4 <= bytes.length; ) {
    out.push(pos);
    const len = view.getUint16(pos + 2);
    if (len < 4) break;
    pos += len;
  }
  return out;
}

type Mutation =
  | { kind: "flip"; pos: number; bit: number }
  | { kind: "truncate"; at: number; fix: boolean }
  | { kind: "setLength"; which: number; value: number }
  | { kind: "messageLength"; value: number }
  | { kind: "byte"; pos: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), pos: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(), fix: fc.boolean() }),
  fc.record({ kind: fc.constant("setLength" as const), which: fc.nat(), value: fc.oneof(fc.nat(65535), fc.nat(16)) }),
  fc.record({ kind: fc.constant("messageLength" as const), value: fc.nat(65535) }),
  fc.record({ kind: fc.constant("byte" as const), pos: fc.nat(), value: fc.constantFrom(0, 1, 2, 3, 4, 254, 255) }),
);

function mutate(original: Uint8Array, m: Mutation): Uint8Array {
  let b = original.slice();
  if (b.length === 0) return b;
  const view = new DataView(b.buffer);
  switch (m.kind) {
    case "flip":
      b[m.pos % b.length]! ^= 1 << m.bit;
      // keep the message length right half the time, so flips reach the sets
      if (m.pos % 2 === 0) fixLength(b);
      break;
    case "truncate":
      b = b.slice(0, m.at % b.length);
      if (m.fix) fixLength(b);
      break;
    case "setLength": {
      const offsets = setHeaderOffsets(b);
      if (offsets.length > 0) view.setUint16(offsets[m.which % offsets.length]! + 2, m.value);
      break;
    }
    case "messageLength":
      if (b.length >= 4) view.setUint16(2, m.value);
      break;
    case "byte":
      // small values and 255 at any position: this is how variable-length prefixes (1 byte, or 255 + 2 bytes) go wrong
      b[m.pos % b.length] = m.value;
      fixLength(b);
      break;
  }
  return b;
}

/** Parses inputs through one state; checks the invariants every parse must keep. */
function parseChecked(inputs: { bytes: Uint8Array; atMs: number }[], state = new ExporterState()) {
  const { flows, report } = collect((out, rep) => {
    for (const { bytes, atMs } of inputs) ipfix.parseDatagram({ exporter: "192.0.2.1", receivedAtMs: atMs, bytes }, state, out, rep);
  });
  expect(flows.length).toBe(report.accepted);
  expect(report.released).toBeLessThanOrEqual(report.accepted);
  expect(report.issues.length).toBeLessThanOrEqual(MAX_ISSUES);
  // every flow the parser emits is a valid FlowRecord (times in range and order, ports, protocol, flags, counters)
  for (const f of flows) {
    const checked = checkFlow(f);
    if (!checked.ok) throw new Error(`parser emitted an invalid flow: ${checked.error.message} ${JSON.stringify(f)}`);
  }
  const snap = state.snapshot();
  expect(snap.pending.reduce((n, p) => n + p.bytes.length, 0)).toBeLessThanOrEqual(PENDING_MAX_BYTES);
  expect(snap.templates.length).toBeLessThanOrEqual(MAX_TEMPLATES);
  return { flows, report, state };
}

describe("ipfix fuzz", () => {
  it("mutated real messages: bit flips, truncation, corrupted length fields, variable-length prefixes", () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 4 }), (which, mutations) => {
        const stream: Uint8Array[] = CORPUS[which % CORPUS.length]!.map((b) => b.slice());
        for (const [index, m] of mutations) stream[index % stream.length] = mutate(stream[index % stream.length]!, m);
        const started = performance.now();
        parseChecked(stream.map((bytes, i) => ({ bytes, atMs: i * 1000 })));
        expect(performance.now() - started).toBeLessThan(2000);
      }),
      { numRuns: 3000 },
    );
  });

  it("random bytes behind a valid header (version 10, right length) and plain random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000, size: "max" }), fc.boolean(), fc.nat(), (body, header, domain) => {
        let bytes = body;
        if (header) {
          bytes = new Uint8Array(16 + body.length);
          bytes.set(body, 16);
          const v = new DataView(bytes.buffer);
          v.setUint16(0, 10);
          v.setUint16(2, Math.min(bytes.length, 65535));
          v.setUint32(12, domain % 4);
          bytes = bytes.slice(0, 65535);
        }
        parseChecked([{ bytes, atMs: 0 }]);
      }),
      { numRuns: 3000 },
    );
  });

  it("random streams of valid, mutated and random datagrams through one state, with time passing: state stays bounded", () => {
    const pool = CORPUS.flat();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.option(mutation, { nil: undefined }), fc.nat(70_000)), { minLength: 1, maxLength: 40 }),
        (steps) => {
          let now = 0;
          const inputs = steps.map(([i, m, dt]) => {
            now += dt;
            const bytes = pool[i % pool.length]!;
            return { bytes: m ? mutate(bytes, m) : bytes, atMs: now };
          });
          parseChecked(inputs);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("caps templates per exporter at MAX_TEMPLATES (bad_template beyond), however many are announced", () => {
    const state = new ExporterState();
    const perMessage = 1000;
    for (let m = 0; m < 6; m++) {
      const templates = Array.from({ length: perMessage }, (_, i) => ({ id: 256 + m * perMessage + i, fields: [{ id: IE.sourceIPv4Address, length: 4 }, { id: IE.destinationIPv4Address, length: 4 }, { id: IE.packetDeltaCount, length: 4 }] }));
      const { report } = parseChecked([{ bytes: buildMessage({ domain: 0, exportTime: 0, sequence: 0 }, [buildTemplateSet(templates)]), atMs: 0 }], state);
      if (m < 4) expect(report.rejected).toBe(0);
    }
    expect(state.templateCount()).toBe(MAX_TEMPLATES);
  });

  it("a flood of data sets without templates keeps at most PENDING_MAX_BYTES waiting", () => {
    const data = encodeIpfix(Array.from({ length: 30_000 }, () => BASIC_FLOWS[1]!), { templates: false, maxMessageBytes: 65535 });
    const { report, state } = parseChecked(data.map((bytes) => ({ bytes, atMs: 0 })));
    expect(report.buffered).toBe(data.length);
    expect(state.pendingCount()).toBeLessThan(data.length);
  });
});
