/** @module Flow columns codec tests: golden layout, round trips (IPv4-only and mixed), every truncation, fuzz, row gathers. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { columnsToRecords, FlowColumns } from "./columns.js";
import {
  decodeFlowColumns,
  encodeFlowColumns,
  FLOW_COLUMNS_FLAG_IPV4,
  FLOW_COLUMNS_HEADER_BYTES,
  FLOW_ROW_BYTES_IPV4,
  FLOW_ROW_BYTES_MIXED,
  FlowColumnsCodecError,
  type FlowColumnsCodecErrorCode,
  flowColumnsFrameBytes,
  sliceFlowColumns,
} from "./columns-codec.js";

interface Row {
  family: 4 | 6;
  src: [number, number, number, number];
  dst: [number, number, number, number];
  startMs: number;
  endMs: number;
  srcPort: number;
  dstPort: number;
  protocol: number;
  tcpFlags: number;
  packets: number;
  bytes: number;
  samplingRate: number;
}

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const v4Words = u32.map((a) => [a, 0, 0, 0] as [number, number, number, number]);
const v6Words = fc.tuple(u32, u32, u32, u32);
/** Finite doubles of every kind (also -0, subnormals, huge); times need only be finite and ordered. */
const timeArb = fc.oneof(
  fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
  fc.double({ min: -1e300, max: 1e300, noNaN: true }),
);
const amountArb = fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ min: 0, max: 1e300, noNaN: true }), fc.constant(-0));

function rowArb(family: fc.Arbitrary<4 | 6>): fc.Arbitrary<Row> {
  return family.chain((f) =>
    fc.record({
      family: fc.constant(f),
      src: f === 4 ? v4Words : v6Words,
      dst: f === 4 ? v4Words : v6Words,
      startMs: timeArb,
      duration: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 86_400_000 }), fc.double({ min: 0, max: 1e6, noNaN: true })),
      srcPort: fc.integer({ min: 0, max: 0xffff }),
      dstPort: fc.integer({ min: 0, max: 0xffff }),
      protocol: fc.integer({ min: 0, max: 255 }),
      tcpFlags: fc.integer({ min: 0, max: 255 }),
      packets: amountArb,
      bytes: amountArb,
      samplingRate: fc.oneof(fc.constant(1), u32),
    }).map(({ duration, ...r }) => ({ ...r, endMs: r.startMs + duration })),
  );
}

/** Builds a batch with spare capacity whose unused rows hold garbage (the codec must ignore them). */
function columnsOf(rows: readonly Row[], spare = 0): FlowColumns {
  const cols = new FlowColumns(rows.length + spare);
  cols.startMs.fill(Number.NaN);
  cols.family.fill(9);
  cols.src.fill(0xdead_beef);
  for (const r of rows) {
    const i = cols.reserve(1);
    cols.family[i] = r.family;
    cols.src.set(r.src, 4 * i);
    cols.dst.set(r.dst, 4 * i);
    cols.startMs[i] = r.startMs;
    cols.endMs[i] = r.endMs;
    cols.srcPort[i] = r.srcPort;
    cols.dstPort[i] = r.dstPort;
    cols.protocol[i] = r.protocol;
    cols.tcpFlags[i] = r.tcpFlags;
    cols.packets[i] = r.packets;
    cols.bytes[i] = r.bytes;
    cols.samplingRate[i] = r.samplingRate;
    cols.length = i + 1;
  }
  return cols;
}

const batchArb = fc
  .record({ v4only: fc.boolean(), spare: fc.integer({ min: 0, max: 5 }) })
  .chain(({ v4only, spare }) =>
    fc
      .array(rowArb(v4only ? fc.constant<4 | 6>(4) : fc.constantFrom<4 | 6>(4, 6)), { maxLength: 30 })
      .map((rows) => ({ rows, cols: columnsOf(rows, spare) })),
  );

const hex = (b: Uint8Array | Float64Array | Uint32Array | Uint16Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/** Rows [0, length) of every column as hex (bit-exact, ignores capacity and spare rows). */
function snapshot(cols: FlowColumns): Record<string, unknown> {
  const n = cols.length;
  return {
    length: n,
    startMs: hex(cols.startMs.subarray(0, n)),
    endMs: hex(cols.endMs.subarray(0, n)),
    family: hex(cols.family.subarray(0, n)),
    src: hex(cols.src.subarray(0, 4 * n)),
    dst: hex(cols.dst.subarray(0, 4 * n)),
    srcPort: hex(cols.srcPort.subarray(0, n)),
    dstPort: hex(cols.dstPort.subarray(0, n)),
    protocol: hex(cols.protocol.subarray(0, n)),
    tcpFlags: hex(cols.tcpFlags.subarray(0, n)),
    packets: hex(cols.packets.subarray(0, n)),
    bytes: hex(cols.bytes.subarray(0, n)),
    samplingRate: hex(cols.samplingRate.subarray(0, n)),
  };
}

function expectCodecError(fn: () => unknown, code?: FlowColumnsCodecErrorCode): FlowColumnsCodecError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected FlowColumnsCodecError").toBeInstanceOf(FlowColumnsCodecError);
  if (code !== undefined) expect((caught as FlowColumnsCodecError).code, (caught as Error).message).toBe(code);
  return caught as FlowColumnsCodecError;
}

/** Decodes, or returns the FlowColumnsCodecError; any other throw fails the test. */
function decodeOrCodecError(bytes: Uint8Array): FlowColumns | FlowColumnsCodecError {
  try {
    return decodeFlowColumns(bytes);
  } catch (e) {
    if (e instanceof FlowColumnsCodecError) return e;
    throw new Error(`expected FlowColumnsCodecError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

const v4row: Row = {
  family: 4,
  src: [0xc000_0207, 0, 0, 0], // 192.0.2.7
  dst: [0x0a00_0001, 0, 0, 0], // 10.0.0.1
  startMs: 1_700_000_000_000,
  endMs: 1_700_000_001_500,
  srcPort: 53,
  dstPort: 40_000,
  protocol: 17,
  tcpFlags: 0,
  packets: 3,
  bytes: 1_500,
  samplingRate: 100,
};
const v6row: Row = { ...v4row, family: 6, src: [0x2001_0db8, 0, 0, 1], dst: [0x2001_0db8, 0, 0, 2], protocol: 6, tcpFlags: 0x12, packets: 0.5 };
const mixed = columnsOf([v4row, v6row, { ...v4row, srcPort: 443 }]);
const mixedBytes = encodeFlowColumns(mixed);

/** Byte offsets of the columns of an encoded batch of n rows. */
function offsets(n: number, v4: boolean) {
  const addr = v4 ? 4 : 16;
  const startMs = FLOW_COLUMNS_HEADER_BYTES;
  const packets = startMs + 16 * n;
  const src = startMs + 32 * n;
  const dst = src + addr * n;
  const samplingRate = dst + addr * n;
  const protocol = samplingRate + 8 * n;
  return { startMs, endMs: startMs + 8 * n, packets, bytes: packets + 8 * n, src, dst, samplingRate, protocol, family: protocol + 2 * n };
}

function patched(bytes: Uint8Array, edit: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const b = bytes.slice();
  edit(new DataView(b.buffer), b);
  return b;
}

describe("flow columns codec", () => {
  it("has a fixed byte layout (golden, all IPv4)", () => {
    const bytes = encodeFlowColumns(columnsOf([v4row]));
    expect(hex(bytes)).toBe(
      [
        "4e464746", // "NFGF"
        "0100", // version 1
        "0100", // flags: all IPv4
        "01000000", // 1 row
        "32000000", // payload 50 bytes
        "00008056febc7842", // startMs 1_700_000_000_000
        "00c0dd56febc7842", // endMs +1500
        "0000000000000840", // packets 3
        "0000000000709740", // bytes 1500
        "070200c0", // src 192.0.2.7 (u32 little-endian)
        "0100000a", // dst 10.0.0.1
        "64000000", // samplingRate 100
        "3500", // srcPort 53
        "409c", // dstPort 40000
        "11", // protocol 17
        "00", // tcpFlags
      ].join(""),
    );
    expect(bytes.length).toBe(FLOW_COLUMNS_HEADER_BYTES + FLOW_ROW_BYTES_IPV4);
  });

  it("mixed batches carry 4 words per address and a family column", () => {
    expect(mixedBytes.length).toBe(FLOW_COLUMNS_HEADER_BYTES + 3 * FLOW_ROW_BYTES_MIXED);
    const v = new DataView(mixedBytes.buffer);
    expect(v.getUint16(6, true)).toBe(0);
    const o = offsets(3, false);
    expect([...mixedBytes.subarray(o.family, o.family + 3)]).toEqual([4, 6, 4]);
    expect([0, 1, 2, 3].map((k) => v.getUint32(o.src + 16 + 4 * k, true))).toEqual(v6row.src);
    expect(o.family + 3).toBe(mixedBytes.length);
    expect(snapshot(decodeFlowColumns(mixedBytes))).toEqual(snapshot(mixed));
  });

  it("round-trips random batches bit-exactly (IPv4-only and mixed), and re-encodes to the same bytes", () => {
    fc.assert(
      fc.property(batchArb, ({ rows, cols }) => {
        const bytes = encodeFlowColumns(cols);
        const v4 = rows.every((r) => r.family === 4);
        expect(bytes.length).toBe(FLOW_COLUMNS_HEADER_BYTES + rows.length * (v4 ? FLOW_ROW_BYTES_IPV4 : FLOW_ROW_BYTES_MIXED));
        expect(new DataView(bytes.buffer).getUint16(6, true)).toBe(v4 ? FLOW_COLUMNS_FLAG_IPV4 : 0);
        const back = decodeFlowColumns(bytes);
        expect(snapshot(back)).toEqual(snapshot(cols));
        expect(back.capacity).toBe(Math.max(1, rows.length));
        expect(hex(encodeFlowColumns(back))).toBe(hex(bytes));
        expect(flowColumnsFrameBytes(bytes)).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it("decodes from unaligned views, ArrayBuffers and DataViews", () => {
    for (const shift of [1, 2, 3, 5, 7]) {
      const big = new Uint8Array(mixedBytes.length + shift);
      big.set(mixedBytes, shift);
      expect(snapshot(decodeFlowColumns(big.subarray(shift)))).toEqual(snapshot(mixed));
      expect(snapshot(decodeFlowColumns(new DataView(big.buffer, shift)))).toEqual(snapshot(mixed));
    }
    expect(snapshot(decodeFlowColumns(mixedBytes.slice().buffer))).toEqual(snapshot(mixed));
  });

  it("writes IPv4 rows of a mixed batch with zero upper words, and an empty batch as a bare header", () => {
    const dirty = columnsOf([v4row, v6row]);
    dirty.src[1] = 7;
    dirty.dst[3] = 9;
    const back = decodeFlowColumns(encodeFlowColumns(dirty));
    expect(Array.from(back.src.subarray(0, 4))).toEqual(v4row.src);
    expect(Array.from(back.dst.subarray(0, 4))).toEqual(v4row.dst);
    const v4dirty = columnsOf([v4row]);
    v4dirty.src[2] = 1;
    expect(encodeFlowColumns(v4dirty)).toEqual(encodeFlowColumns(columnsOf([v4row])));
    const empty = encodeFlowColumns(new FlowColumns(8));
    expect(hex(empty)).toBe("4e464746" + "0100" + "0100" + "00000000" + "00000000");
    expect(decodeFlowColumns(empty).length).toBe(0);
    // An empty batch may also carry the mixed flag.
    expect(decodeFlowColumns(patched(empty, (v) => v.setUint16(6, 0, true))).length).toBe(0);
  });

  it("rejects every truncation and any trailing byte", () => {
    for (const bytes of [mixedBytes, encodeFlowColumns(columnsOf([v4row, v4row]))]) {
      for (let cut = 0; cut < bytes.length; cut++) {
        // A cut inside the magic is reported as truncated too (no magic to compare yet).
        expectCodecError(() => decodeFlowColumns(bytes.subarray(0, cut)), "truncated");
      }
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      expectCodecError(() => decodeFlowColumns(longer), "length_mismatch");
    }
  });

  it("rejects a bad header: magic, version, flags, payload length that is not N x row bytes", () => {
    expectCodecError(() => decodeFlowColumns(patched(mixedBytes, (v) => v.setUint32(0, 0x4447464e, true))), "bad_magic"); // "NFGD"
    expectCodecError(() => decodeFlowColumns(patched(mixedBytes, (_, b) => (b[3]! ^= 0x20))), "bad_magic");
    for (const version of [0, 2, 0xffff]) expectCodecError(() => decodeFlowColumns(patched(mixedBytes, (v) => v.setUint16(4, version, true))), "bad_version");
    for (const flags of [0x0002, 0x8000, 0x0003]) expectCodecError(() => decodeFlowColumns(patched(mixedBytes, (v) => v.setUint16(6, flags, true))), "bad_flags");
    expectCodecError(() => decodeFlowColumns(patched(mixedBytes, (v) => v.setUint16(6, FLOW_COLUMNS_FLAG_IPV4, true))), "length_mismatch");
    expectCodecError(() => decodeFlowColumns(patched(mixedBytes, (v) => v.setUint32(8, 4, true))), "length_mismatch");
    expectCodecError(() => decodeFlowColumns(patched(mixedBytes, (v) => v.setUint32(8, 0xffff_ffff, true))), "length_mismatch");
    const huge = patched(mixedBytes, (v) => (v.setUint32(8, 50_000_000, true), v.setUint32(12, 50_000_000 * FLOW_ROW_BYTES_MIXED, true)));
    expectCodecError(() => decodeFlowColumns(huge), "truncated"); // checked before allocating 50M rows
    for (const bad of [null, undefined, "NFGF", 42, {}, [1, 2]]) expectCodecError(() => decodeFlowColumns(bad as unknown as Uint8Array), "invalid_value");
  });

  it("rejects invalid values on decode and on encode: family, times, amounts, IPv4 upper words", () => {
    const o = offsets(3, false);
    const cases: [string, (v: DataView, b: Uint8Array) => void][] = [
      ["family 5", (_, b) => (b[o.family + 1] = 5)],
      ["family 0", (_, b) => (b[o.family] = 0)],
      ["NaN start", (v) => v.setFloat64(o.startMs + 8, Number.NaN, true)],
      ["infinite end", (v) => v.setFloat64(o.endMs, Number.POSITIVE_INFINITY, true)],
      ["end before start", (v) => v.setFloat64(o.endMs + 16, v4row.startMs - 1, true)],
      ["negative packets", (v) => v.setFloat64(o.packets, -1, true)],
      ["NaN bytes", (v) => v.setFloat64(o.bytes + 8, Number.NaN, true)],
      ["IPv4 upper src word", (v) => v.setUint32(o.src + 4, 1, true)],
      ["IPv4 upper dst word", (v) => v.setUint32(o.dst + 32 + 12, 1, true)],
    ];
    for (const [name, edit] of cases) {
      const e = expectCodecError(() => decodeFlowColumns(patched(mixedBytes, edit)), "invalid_value");
      expect(e.message, name).toMatch(/row [0-2]/);
    }
    const bad = (edit: (c: FlowColumns) => void) => {
      const c = columnsOf([v4row, v6row]);
      edit(c);
      return c;
    };
    for (const edit of [
      (c: FlowColumns) => (c.family[1] = 5),
      (c: FlowColumns) => (c.startMs[0] = Number.NaN),
      (c: FlowColumns) => (c.endMs[1] = c.startMs[1]! - 0.5),
      (c: FlowColumns) => (c.packets[0] = -1),
      (c: FlowColumns) => (c.bytes[1] = Number.POSITIVE_INFINITY),
    ]) {
      expectCodecError(() => encodeFlowColumns(bad(edit)), "invalid_value");
    }
    expectCodecError(() => encodeFlowColumns(bad((c) => (c.length = c.capacity + 1))), "invalid_value");
    expectCodecError(() => encodeFlowColumns(bad((c) => (c.srcPort = new Uint32Array(8) as unknown as Uint16Array))), "invalid_value");
    expectCodecError(() => encodeFlowColumns(null as unknown as FlowColumns), "invalid_value");
    // -0 packets, negative and fractional times are fine (finite, ordered).
    expect(() => encodeFlowColumns(columnsOf([{ ...v4row, packets: -0, startMs: -5.5, endMs: -5.5 }]))).not.toThrow();
  });

  it("fuzz: random bytes and a valid header over random bytes give a codec error or a valid batch", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300, size: "max" }), (bytes) => {
        decodeOrCodecError(bytes);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.boolean(), fc.uint8Array({ maxLength: 400, size: "max" }), (n, v4, tail) => {
        const rowBytes = v4 ? FLOW_ROW_BYTES_IPV4 : FLOW_ROW_BYTES_MIXED;
        const body = new Uint8Array(n * rowBytes);
        body.set(tail.subarray(0, body.length));
        const bytes = new Uint8Array(FLOW_COLUMNS_HEADER_BYTES + body.length);
        const v = new DataView(bytes.buffer);
        v.setUint32(0, 0x4647464e, true);
        v.setUint16(4, 1, true);
        v.setUint16(6, v4 ? 1 : 0, true);
        v.setUint32(8, n, true);
        v.setUint32(12, body.length, true);
        bytes.set(body, FLOW_COLUMNS_HEADER_BYTES);
        const result = decodeOrCodecError(bytes);
        if (result instanceof FlowColumns) expect(snapshot(decodeFlowColumns(encodeFlowColumns(result)))).toEqual(snapshot(result));
      }),
      { numRuns: 2000 },
    );
  });

  it("fuzz: mutated valid frames give a codec error or a batch that re-encodes to itself", () => {
    const framesArb = fc.oneof(fc.constant(mixedBytes), batchArb.map(({ cols }) => encodeFlowColumns(cols)));
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), pos: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant("set" as const), pos: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant("u32" as const), pos: fc.nat(), value: fc.constantFrom(0, 1, 3, 4, 6, 0x7ff0_0000, 0xfff8_0000, 0xffff_ffff) }),
      fc.record({ kind: fc.constant("cut" as const), pos: fc.nat() }),
      fc.record({ kind: fc.constant("insert" as const), pos: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    );
    fc.assert(
      fc.property(framesArb, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (frame, mutations, fixLength) => {
        let b = frame.slice();
        for (const m of mutations) {
          const p = b.length === 0 ? 0 : m.pos % b.length;
          if (m.kind === "flip" && b.length > 0) b[p]! ^= 1 << m.bit;
          else if (m.kind === "set" && b.length > 0) b[p] = m.value;
          else if (m.kind === "u32" && p + 4 <= b.length) new DataView(b.buffer).setUint32(p, m.value, true);
          else if (m.kind === "cut") b = b.slice(0, p);
          else if (m.kind === "insert") b = Uint8Array.from([...b.subarray(0, p), m.value, ...b.subarray(p)]);
        }
        if (fixLength && b.length >= FLOW_COLUMNS_HEADER_BYTES) new DataView(b.buffer).setUint32(12, b.length - FLOW_COLUMNS_HEADER_BYTES, true);
        const result = decodeOrCodecError(b);
        if (result instanceof FlowColumns) {
          // A mixed frame whose rows are all IPv4 re-encodes smaller (all-IPv4 form) but to the same batch.
          expect(snapshot(decodeFlowColumns(encodeFlowColumns(result)))).toEqual(snapshot(result));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("walks a log of concatenated frames by their header sizes", () => {
    const frames = [mixedBytes, encodeFlowColumns(new FlowColumns()), encodeFlowColumns(columnsOf([v4row]))];
    const log = new Uint8Array(frames.reduce((a, f) => a + f.length, 0));
    let at = 0;
    for (const f of frames) {
      log.set(f, at);
      at += f.length;
    }
    const decoded: FlowColumns[] = [];
    for (let off = 0; off < log.length; ) {
      const size = flowColumnsFrameBytes(log, off);
      decoded.push(decodeFlowColumns(log.subarray(off, off + size)));
      off += size;
    }
    expect(decoded.map((c) => c.length)).toEqual([3, 0, 1]);
    expectCodecError(() => flowColumnsFrameBytes(log, 1), "bad_magic");
    expectCodecError(() => flowColumnsFrameBytes(log, log.length - 3), "truncated");
    expectCodecError(() => flowColumnsFrameBytes(log, log.length + 1), "invalid_value");
  });

  it("sliceFlowColumns gathers exactly the given rows, in order, repeats allowed", () => {
    fc.assert(
      fc.property(
        batchArb.chain(({ rows, cols }) =>
          fc.tuple(fc.constant(rows), fc.constant(cols), fc.array(fc.nat(Math.max(0, rows.length - 1)), { maxLength: rows.length === 0 ? 0 : 40 }), fc.boolean()),
        ),
        ([rows, cols, picks, typed]) => {
          const out = sliceFlowColumns(cols, typed ? Uint32Array.from(picks) : picks);
          expect(out.length).toBe(picks.length);
          expect(snapshot(out)).toEqual(snapshot(columnsOf(picks.map((i) => rows[i]!))));
          expect(snapshot(decodeFlowColumns(encodeFlowColumns(out)))).toEqual(snapshot(out));
        },
      ),
      { numRuns: 200 },
    );
    // Splitting by shard and putting the parts back together gives the batch back.
    const rows = Array.from({ length: 50 }, (_, i) => ({ ...(i % 3 === 0 ? v6row : v4row), srcPort: i, packets: i }));
    const cols = columnsOf(rows);
    const shardOf = (i: number) => (cols.srcPort[i]! * 7) % 4;
    const parts = [0, 1, 2, 3].map((s) => Uint32Array.from(rows.keys()).filter((i) => shardOf(i) === s));
    const split = parts.map((p) => decodeFlowColumns(encodeFlowColumns(sliceFlowColumns(cols, p))));
    expect(split.reduce((a, c) => a + c.length, 0)).toBe(50);
    split.forEach((c, s) => {
      for (let k = 0; k < c.length; k++) expect(shardOf(c.srcPort[k]!)).toBe(s);
    });
    expect(snapshot(sliceFlowColumns(cols, Array.from(rows.keys())))).toEqual(snapshot(cols));
    for (const bad of [[50], [-1], [1.5], [Number.NaN]]) expect(() => sliceFlowColumns(cols, bad)).toThrow(RangeError);
    expect(sliceFlowColumns(cols, []).length).toBe(0);
  });

  it("encodes and decodes 200k rows with bulk copies", () => {
    const n = 200_000;
    const cols = new FlowColumns(n);
    for (let i = 0; i < n; i++) {
      cols.family[i] = i % 10 === 0 ? 6 : 4;
      cols.src[4 * i] = i;
      if (cols.family[i] === 6) cols.src[4 * i + 3] = i;
      cols.dst[4 * i] = 0x0a00_0000 + (i % 1000);
      cols.startMs[i] = 1_700_000_000_000 + i;
      cols.endMs[i] = 1_700_000_000_000 + i + (i % 5000);
      cols.packets[i] = 1 + (i % 17);
      cols.bytes[i] = 64 * (1 + (i % 17));
      cols.samplingRate[i] = 1;
      cols.srcPort[i] = i & 0xffff;
      cols.protocol[i] = 6;
    }
    cols.length = n;
    const t0 = performance.now();
    const bytes = encodeFlowColumns(cols);
    const back = decodeFlowColumns(bytes);
    const ms = performance.now() - t0;
    expect(bytes.length).toBe(FLOW_COLUMNS_HEADER_BYTES + n * FLOW_ROW_BYTES_MIXED);
    expect(snapshot(back)).toEqual(snapshot(cols));
    expect(ms).toBeLessThan(2_000); // generous: a few ms on a laptop; guards against per-field slow paths only
  });
});

describe("FlowColumns.append", () => {
  it("appends rows of another batch after its own", () => {
    const a = FlowColumns.fromRecords([{ startMs: 1, endMs: 2, src: "192.0.2.1", dst: "192.0.2.2", srcPort: 1, dstPort: 2, protocol: 6, tcpFlags: 2, packets: 3, bytes: 4, samplingRate: 1, exporterId: "" }]);
    const b = FlowColumns.fromRecords([
      { startMs: 5, endMs: 6, src: "2001:db8::1", dst: "2001:db8::2", srcPort: 7, dstPort: 8, protocol: 17, tcpFlags: 0, packets: 9, bytes: 10, samplingRate: 100, exporterId: "" },
      { startMs: 11, endMs: 12, src: "198.51.100.1", dst: "198.51.100.2", srcPort: 13, dstPort: 14, protocol: 1, tcpFlags: 0, packets: 15, bytes: 16, samplingRate: 1, exporterId: "" },
    ]);
    a.append(b);
    expect(columnsToRecords(a).map((f) => [f.startMs, f.src, f.samplingRate])).toEqual([[1, "192.0.2.1", 1], [5, "2001:db8::1", 100], [11, "198.51.100.1", 1]]);
  });
});
