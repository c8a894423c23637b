/** @module Cutoff table tests: the common case suite, golden layout, ordering and count rules, node limit. */
import { describe, expect, it } from "vitest";
import { type CutoffTable, emptyNodeCutoffs, MAX_CUTOFFS, type NodeCutoffs } from "../binning/types.js";
import { FEATURE_COUNT, FEATURE_SCHEMA_HASH } from "../features/catalogue.js";
import { expectWireError, runCodecCases } from "./codec.case.js";
import {
  cutoffTableFromJSON,
  cutoffTableToJSON,
  decodeCutoffTable,
  encodeCutoffTable,
} from "./cutoffs.js";
import { CUTOFFS_FORMAT, HEADER_BYTES } from "./header.js";
import { cutoffTableArb } from "./testkit.js";

function nodeCutoffs(rows: Record<number, number[]>): NodeCutoffs {
  const nc = emptyNodeCutoffs();
  for (const [f, row] of Object.entries(rows)) {
    nc.counts[Number(f)] = row.length;
    nc.values.set(row, Number(f) * MAX_CUTOFFS);
  }
  return nc;
}

const sample: CutoffTable = {
  schemaHash: FEATURE_SCHEMA_HASH,
  nodes: ["10.0.0.1", "2001:db8::1"],
  cutoffs: [
    nodeCutoffs({ 0: [1, 2, 3.5, 10, 100, 1e3, 1e4, 1e5, 1e6], 5: [0.25], 85: [7, 8] }),
    nodeCutoffs({ 1: [1e-300, 2e-300], 40: [3, 4, 5] }),
  ],
};

runCodecCases<CutoffTable>({
  format: CUTOFFS_FORMAT,
  arbitrary: cutoffTableArb,
  sample,
  encode: (v, schemaHash) => encodeCutoffTable(schemaHash === undefined ? v : { ...v, schemaHash }),
  decode: decodeCutoffTable,
  toJSON: (v, schemaHash) => cutoffTableToJSON(schemaHash === undefined ? v : { ...v, schemaHash }),
  fromJSON: cutoffTableFromJSON,
  fuzzRuns: 1500,
});

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const COUNTS_AT = HEADER_BYTES + 4 + (2 + 8) + (2 + 11);
const VALUES_AT = COUNTS_AT + 2 * FEATURE_COUNT;

describe("cutoff tables", () => {
  it("has a fixed byte layout (golden)", () => {
    const table: CutoffTable = { schemaHash: 0x0102_0304, nodes: ["n"], cutoffs: [nodeCutoffs({ 1: [1, 2] })] };
    const counts = "00" + "02" + "00".repeat(FEATURE_COUNT - 2);
    expect(hex(encodeCutoffTable(table))).toBe(
      ["4e464743", "0100", "0000", "04030201", "6d000000", "01000000", "0100", "6e", counts, "000000000000f03f", "0000000000000040"].join(""),
    );
    expect(4 + 3 + FEATURE_COUNT + 16).toBe(0x6d);
  });

  it("keeps the table's schema hash and pads unused cutoffs with NaN", () => {
    const other = { ...sample, schemaHash: 0xabcd_ef01 };
    const back = decodeCutoffTable(encodeCutoffTable(other), { expectedSchemaHash: 0xabcd_ef01 });
    expect(back.schemaHash).toBe(0xabcd_ef01);
    expect(Number.isNaN(back.cutoffs[0]!.values[5 * MAX_CUTOFFS + 1]!)).toBe(true);
    expect(back.cutoffs[0]!.values[5 * MAX_CUTOFFS]).toBe(0.25);
    // The unused tail is ignored on encode: garbage there does not travel.
    const dirty = emptyNodeCutoffs();
    dirty.values[3] = 42;
    expect(decodeCutoffTable(encodeCutoffTable({ ...sample, nodes: ["a"], cutoffs: [dirty] })).cutoffs[0]).toEqual(emptyNodeCutoffs());
  });

  it("rejects non-increasing, non-positive and non-finite cutoffs in every form", () => {
    for (const row of [[1, 1], [2, 1], [0, 1], [-1, 2], [1, Infinity], [Number.NaN], [1, 2, Number.NaN]]) {
      const table = { ...sample, nodes: ["a"], cutoffs: [nodeCutoffs({ 3: row })] };
      expectWireError(() => encodeCutoffTable(table), "invalid_value");
      expectWireError(() => cutoffTableToJSON(table), "invalid_value");
      const json = cutoffTableToJSON({ ...table, cutoffs: [nodeCutoffs({})] });
      const rows = json.nodes[0]!.cutoffs.map((r, f) => (f === 3 ? row : r));
      const value = JSON.parse(JSON.stringify({ ...json, nodes: [{ node: "a", cutoffs: rows }] }).replace(/null/g, "0")) as unknown;
      expectWireError(() => cutoffTableFromJSON(value), "invalid_value");
    }
    const bytes = encodeCutoffTable(sample);
    for (const [k, value] of [[1, 1], [1, 0.5], [0, 0], [0, -3], [8, Infinity], [4, Number.NaN]] as const) {
      const b = bytes.slice();
      new DataView(b.buffer).setFloat64(VALUES_AT + 8 * k, value, true); // node 0, feature 0, cutoff k+1
      expectWireError(() => decodeCutoffTable(b), "invalid_value");
    }
  });

  it("rejects more than 9 cutoffs per feature and mismatched shapes", () => {
    const bytes = encodeCutoffTable(sample);
    const b = bytes.slice();
    b[COUNTS_AT] = MAX_CUTOFFS + 1;
    expectWireError(() => decodeCutoffTable(b), "invalid_value");
    const b2 = bytes.slice();
    b2[COUNTS_AT + 7] = 1; // claims one more cutoff than the payload holds
    expectWireError(() => decodeCutoffTable(b2), "truncated");
    const b3 = bytes.slice();
    b3[COUNTS_AT] = 8; // one fewer: a value is left over
    expectWireError(() => decodeCutoffTable(b3), "length_mismatch");

    const nc = nodeCutoffs({});
    nc.counts[0] = 10;
    expectWireError(() => encodeCutoffTable({ ...sample, nodes: ["a"], cutoffs: [nc] }), "invalid_value");
    expectWireError(() => encodeCutoffTable({ ...sample, nodes: ["a", "b"], cutoffs: [nodeCutoffs({})] }), "invalid_value");
    expectWireError(() => encodeCutoffTable({ ...sample, nodes: ["a", "a"] }), "invalid_value");
    expectWireError(() => encodeCutoffTable({ ...sample, nodes: ["a"], cutoffs: [{ counts: new Uint8Array(3), values: new Float64Array(9) }] }), "invalid_value");
    expectWireError(() => encodeCutoffTable({ ...sample, schemaHash: -1 }), "invalid_value");
    const json = cutoffTableToJSON(sample);
    expectWireError(() => cutoffTableFromJSON({ ...json, nodes: [{ node: "a", cutoffs: json.nodes[0]!.cutoffs.slice(1) }] }), "invalid_value");
    expectWireError(() => cutoffTableFromJSON({ ...json, nodes: [{ node: "a", cutoffs: json.nodes[0]!.cutoffs.map(() => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) }] }), "invalid_value");
    expectWireError(() => cutoffTableFromJSON({ ...json, nodes: [json.nodes[0]!, json.nodes[0]!] }), "invalid_value");
  });

  it("limits the node count (decode memory) and fails fast on impossible counts", () => {
    const bytes = encodeCutoffTable(sample);
    expectWireError(() => decodeCutoffTable(bytes, { maxNodes: 1 }), "oversized");
    expectWireError(() => cutoffTableFromJSON(cutoffTableToJSON(sample), { maxNodes: 1 }), "oversized");
    expect(decodeCutoffTable(bytes, { maxNodes: 2 }).nodes).toEqual(sample.nodes);
    const empty = encodeCutoffTable({ schemaHash: FEATURE_SCHEMA_HASH, nodes: [], cutoffs: [] });
    expect(empty.length).toBe(HEADER_BYTES + 4);
    for (const [count, maxNodes, code] of [[0xffff_ffff, undefined, "oversized"], [0xffff_ffff, 0xffff_ffff, "truncated"], [1000, undefined, "truncated"]] as const) {
      const b = empty.slice();
      new DataView(b.buffer).setUint32(HEADER_BYTES, count, true);
      expectWireError(() => decodeCutoffTable(b, { maxNodes }), code);
    }
  });
});
