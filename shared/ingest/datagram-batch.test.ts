// Tests for the length-framed datagram batch: round trips, golden header bytes, and fuzzed input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DatagramBatchError, decodeDatagramBatch, encodeDatagramBatch, type FramedDatagram } from "./datagram-batch.js";

const sample: FramedDatagram[] = [
  { exporter: "192.0.2.1", receivedAtMs: 1_700_000_000_123, payload: Uint8Array.of(0, 9, 0, 1) },
  { exporter: "2001:db8::1", receivedAtMs: 1_700_000_000_456, payload: new Uint8Array(0) },
];

describe("datagram batch", () => {
  it("round-trips", () => {
    const back = decodeDatagramBatch(encodeDatagramBatch(sample));
    expect(back.map((d) => ({ ...d, payload: [...d.payload] }))).toEqual(sample.map((d) => ({ ...d, payload: [...d.payload] })));
  });

  it("has a fixed header layout", () => {
    const bytes = encodeDatagramBatch(sample.slice(0, 1));
    expect([...bytes.subarray(0, 12)]).toEqual([0x4e, 0x46, 0x47, 0x44, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect([...bytes.subarray(12, 16)]).toEqual([4, 0, 4, 0]);
    expect([...bytes.subarray(24, 28)]).toEqual([192, 0, 2, 1]);
    expect(bytes.length).toBe(12 + 12 + 4 + 4);
  });

  it("rejects every truncation and any trailing byte", () => {
    const bytes = encodeDatagramBatch(sample);
    for (let cut = 0; cut < bytes.length; cut++) expect(() => decodeDatagramBatch(bytes.subarray(0, cut))).toThrow(DatagramBatchError);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => decodeDatagramBatch(longer)).toThrow(/after the last datagram/);
    expect(() => decodeDatagramBatch(bytes, 1)).toThrow(/more than the limit/);
  });

  it("fuzz: random and mutated bytes give DatagramBatchError or a batch, never another error", () => {
    const valid = encodeDatagramBatch(sample);
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 200, size: "max" }), fc.tuple(fc.nat(), fc.nat(255)).map(([p, v]) => {
          const b = valid.slice();
          b[p % b.length] = v;
          return b;
        })),
        (bytes) => {
          try {
            decodeDatagramBatch(bytes);
          } catch (err) {
            expect(err).toBeInstanceOf(DatagramBatchError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
