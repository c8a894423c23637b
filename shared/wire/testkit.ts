/** @module Test-only fast-check arbitraries producing valid frames of every wire format (imported by *.test.ts only). */
import fc from "fast-check";
import { BIN_COUNT, FEATURE_COUNT } from "../features/catalogue.js";
import type { CutoffTable } from "../binning/types.js";
import { MAX_CUTOFFS } from "../binning/types.js";
import { FEATURE_SCHEMA_HASH_HEX } from "../features/catalogue.js";
import { fromFloat16Bits } from "./float16.js";
import { buildHiddenFrame, type HiddenDType, type HiddenFrame } from "./hidden.js";
import { makeManifest, type ModelManifest } from "./manifest.js";
import { isValidKey } from "./strings.js";
import type { SurvivalFrame, SurvivalRecord } from "./survival.js";
import { buildTokenFrame, type TokenFrame } from "./tokens.js";

/** Tenant ids and node strings: repeats from small pools, IPs, and arbitrary Unicode. */
export const tenantArb = fc.oneof(
  fc.constantFrom("acme", "t-1", "ISP \u00e9t\u00e9", "\u{1F600}"),
  fc.string({ unit: "binary", minLength: 1, maxLength: 12 }).filter(isValidKey),
);
export const nodeArb = fc.oneof(
  fc.constantFrom("10.0.0.1", "192.0.2.7", "2001:db8::1"),
  fc.ipV4(),
  fc.ipV6(),
  fc.string({ unit: "binary", minLength: 1, maxLength: 8 }).filter(isValidKey),
);
export const minuteArb = fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.constantFrom(0, 0xffff_ffff, 29_000_000));

const binsArb = fc.uint8Array({ min: 0, max: BIN_COUNT - 1, minLength: FEATURE_COUNT, maxLength: FEATURE_COUNT });

export const tokenFrameArb: fc.Arbitrary<TokenFrame> = fc
  .array(fc.record({ tenant: tenantArb, node: nodeArb, minute: minuteArb, bins: binsArb }), { maxLength: 6 })
  .map(buildTokenFrame);

/** A finite float32 other than -0 (JSON cannot carry -0). */
const f32Arb = fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
/** A finite half (as its float32 value), other than -0. */
const f16Arb = fc
  .integer({ min: 0, max: 0xffff })
  .filter((h) => (h & 0x7c00) !== 0x7c00 && h !== 0x8000)
  .map(fromFloat16Bits);

export const hiddenFrameArb: fc.Arbitrary<HiddenFrame> = fc
  .record({ dim: fc.integer({ min: 1, max: 12 }), dtype: fc.constantFrom<HiddenDType>("float32", "float16") })
  .chain(({ dim, dtype }) =>
    fc
      .array(
        fc.record({
          tenant: tenantArb,
          node: nodeArb,
          minute: minuteArb,
          values: fc.array(dtype === "float16" ? f16Arb : f32Arb, { minLength: dim, maxLength: dim }).map((v) => Float32Array.from(v)),
        }),
        { maxLength: 5 },
      )
      .map((entries) => buildHiddenFrame(entries, dim, dtype)),
  );

const survivalRecordArb: fc.Arbitrary<SurvivalRecord> = fc
  .integer({ min: 1, max: 16 })
  .chain((steps) =>
    fc.record({
      tenant: tenantArb,
      node: nodeArb,
      startMinute: minuteArb,
      tau: fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
      detection: fc.option(fc.integer({ min: 0, max: steps - 1 }), { nil: null }),
      hazards: fc.array(fc.float({ min: 0, max: 50, noNaN: true }).map((x) => (x === 0 ? 0 : x)), { minLength: steps, maxLength: steps }),
      drops: fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: steps, maxLength: steps }),
    }).map(({ hazards, drops, ...rest }) => {
      // S(t) = exp(-cumsum), or an arbitrary non-increasing curve in [0, 1]; rounding to float32 keeps the order.
      let s = 1;
      const survival = new Float32Array(steps);
      for (let t = 0; t < steps; t++) {
        s = drops[0]! > 0.5 ? s * Math.exp(-hazards[t]!) : Math.min(s, drops[t]!);
        survival[t] = s === 0 ? 0 : s;
        s = survival[t]!;
      }
      return { ...rest, hazards: Float32Array.from(hazards), survival };
    }),
  );

export const survivalFrameArb: fc.Arbitrary<SurvivalFrame> = fc.array(survivalRecordArb, { maxLength: 4 }).map((records) => ({ records }));

const cutoffRowArb = fc
  .uniqueArray(fc.oneof(fc.double({ min: Number.MIN_VALUE, max: 1e15, noNaN: true }), fc.integer({ min: 1, max: 1_000_000 })), { minLength: 1, maxLength: MAX_CUTOFFS })
  .map((row) => row.sort((a, b) => a - b));

/** Sparse rows (a few features per node have cutoffs), occasionally a node with all 86 full rows. */
const nodeRowsArb = fc.oneof(
  { weight: 9, arbitrary: fc.array(fc.record({ f: fc.integer({ min: 0, max: FEATURE_COUNT - 1 }), row: cutoffRowArb }), { maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: cutoffRowArb.filter((r) => r.length === MAX_CUTOFFS).map((row) => Array.from({ length: FEATURE_COUNT }, (_, f) => ({ f, row }))),
  },
);

export const cutoffTableArb: fc.Arbitrary<CutoffTable> = fc
  .uniqueArray(nodeArb, { maxLength: 4 })
  .chain((nodes) =>
    fc.array(nodeRowsArb, { minLength: nodes.length, maxLength: nodes.length }).map((perNode) => ({
      schemaHash: Number.parseInt(FEATURE_SCHEMA_HASH_HEX, 16),
      nodes,
      cutoffs: perNode.map((rows) => {
        const counts = new Uint8Array(FEATURE_COUNT);
        const values = new Float64Array(FEATURE_COUNT * MAX_CUTOFFS).fill(Number.NaN);
        for (const { f, row } of rows) {
          values.fill(Number.NaN, f * MAX_CUTOFFS, (f + 1) * MAX_CUTOFFS);
          counts[f] = row.length;
          values.set(row, f * MAX_CUTOFFS);
        }
        return { counts, values };
      }),
    })),
  );

const hexArb = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });

export const manifestArb: fc.Arbitrary<ModelManifest> = fc
  .record({
    modelId: fc.string({ unit: fc.constantFrom(..."abcXYZ019._:-"), minLength: 1, maxLength: 32 }),
    createdAt: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString()),
    layers: fc.integer({ min: 1, max: 48 }),
    heads: fc.constantFrom(1, 2, 4, 8),
    headsMul: fc.integer({ min: 1, max: 64 }),
    dFF: fc.integer({ min: 1, max: 8192 }),
    contextMax: fc.integer({ min: 1, max: 4096 }),
    headSha: hexArb(64),
    cutSha: hexArb(64),
    hiddenDim: fc.integer({ min: 1, max: 2048 }),
    tau: fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }),
    overheadBound: fc.double({ min: 1e-9, max: 1, noNaN: true }),
    attackTypes: fc.uniqueArray(fc.constantFrom("dns", "udp", "ntp", "syn", "all")),
    metrics: fc.dictionary(fc.constantFrom("f1", "fpr", "fnr", "tpr", "effectiveness", "overhead", "ppl"), fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)), { maxKeys: 4 }),
  })
  .map((r) =>
    makeManifest({
      modelId: r.modelId,
      createdAt: r.createdAt,
      backbone: { id: `bb-${r.modelId}`, config: { layers: r.layers, heads: r.heads, dModel: r.heads * r.headsMul, dFF: r.dFF, contextMax: r.contextMax } },
      head: { artifact: `models/${r.modelId}/head.onnx`, sha256: r.headSha, inputDim: r.heads * r.headsMul, hiddenDim: r.hiddenDim },
      cutoffs: { artifact: `models/${r.modelId}/cutoffs.nfgc`, sha256: r.cutSha },
      tau: r.tau,
      overheadBound: r.overheadBound,
      attackTypes: r.attackTypes,
      metrics: r.metrics,
    }),
  );
