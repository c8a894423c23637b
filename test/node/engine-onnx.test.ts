/** @module The ONNX export against the engine and PyTorch: onnxruntime-node runs exportDecoderOnnx's graph on the inputs our reference Decoder sees, at two (B, T) shapes, and on the committed PyTorch fixtures' batches. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Decoder } from "../../cloud/engine/model/model.js";
import type { Batch } from "../../cloud/engine/model/batch.js";
import type { ModelConfig } from "../../cloud/engine/model/config.js";
import { exportDecoderOnnx, ONNX_OPSET } from "../../cloud/engine/onnx/export.js";
import { onnx } from "../../cloud/engine/onnx/graph.js";
import { writeDecoderOnnx } from "../../cloud/engine/onnx/write.js";
import { referenceBackend } from "../../cloud/engine/reference/index.js";
import { compareTensor, formatComparison } from "../fixtures/engine/compare.js";
import { readFixture, sha256F32 } from "../fixtures/engine/io.js";
import { FIXTURE_SPECS, fixtureParams, makeBatch } from "../fixtures/engine/spec.js";

/** Required agreement (max |diff|) of hidden states and logits: float32 graphs with different op orders. */
const ATOL = 1e-4;
/** (B, T) shapes run through one exported graph: dynamic batch and sequence length. */
const SHAPES = [
  { B: 2, T: 16 },
  { B: 3, T: 5 },
] as const;

type Ort = typeof import("onnxruntime-node");
let ortModule: Ort | null = null;
/** onnxruntime-node, imported on first use (a native addon: keep it off the import path of other tests). */
async function ort(): Promise<Ort> {
  if (ortModule === null) {
    const mod = (await import("onnxruntime-node")) as Ort & { default?: Ort };
    ortModule = mod.InferenceSession === undefined && mod.default !== undefined ? mod.default : mod;
  }
  return ortModule;
}

/** hidden (B·T·C) and logits (B·T·NF·V) from onnxruntime for a batch (inputs = minutes 0..T−1 of bins). */
async function runOnnx(session: import("onnxruntime-node").InferenceSession, config: ModelConfig, batch: Batch): Promise<{ hidden: Float32Array; logits: Float32Array }> {
  const { Tensor } = await ort();
  const { B, T } = batch;
  const { NF, NTIME } = config;
  const bins = new BigInt64Array(B * T * NF);
  for (let b = 0; b < B; b++) for (let i = 0; i < T * NF; i++) bins[b * T * NF + i] = BigInt(batch.bins[b * (T + 1) * NF + i]!);
  const i64 = (a: Int32Array): BigInt64Array => BigInt64Array.from(a, (x) => BigInt(x));
  const out = await session.run({
    bins: new Tensor("int64", bins, [B, T, NF]),
    time: new Tensor("int64", i64(batch.time), [B, T, NTIME]),
    node: new Tensor("int64", i64(batch.node), [B]),
    customer: new Tensor("int64", i64(batch.customer), [B]),
  });
  const hidden = out.hidden;
  const logits = out.logits;
  if (hidden === undefined || logits === undefined) throw new Error("the ONNX graph lacks the hidden or logits output");
  expect(hidden.dims).toEqual([B, T, config.dModel]);
  expect(logits.dims).toEqual([B, T, NF * config.V]);
  return { hidden: hidden.data as Float32Array, logits: logits.data as Float32Array };
}

describe.each(FIXTURE_SPECS.map((s) => [s.name, s] as const))("ONNX export: %s", (name, spec) => {
  const { config } = spec;
  const params = fixtureParams(spec);
  const bytes = exportDecoderOnnx(config, params);

  it("is an opset-17, IR-8 model with dynamic B and T", () => {
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([["", ONNX_OPSET]]);
    const inputs = model.graph?.input ?? [];
    expect(inputs.map((i) => i.name)).toEqual(["bins", "time", "node", "customer"]);
    expect((model.graph?.output ?? []).map((o) => o.name)).toEqual(["hidden", "logits"]);
    for (const input of inputs.slice(0, 2)) expect(input.type?.tensorType?.shape?.dim?.slice(0, 2).map((d) => d.dimParam)).toEqual(["B", "T"]);
    const ops = new Set((model.graph?.node ?? []).map((n) => n.opType));
    for (const op of ["Gather", "ReduceSum", "LayerNormalization", "Trilu", "Softmax", "Tanh"]) expect(ops, op).toContain(op);
  });

  it("writes the same bytes to a .onnx file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "engine-onnx-"));
    try {
      const path = join(dir, "sub", `${name}.onnx`);
      expect(await writeDecoderOnnx(path, config, params)).toBe(bytes.length);
      expect(Buffer.compare(readFileSync(path), Buffer.from(bytes))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(SHAPES.map((s) => [s.B, s.T] as const))("matches the reference Decoder at B=%i, T=%i", { timeout: 120_000 }, async (B, T) => {
    const { InferenceSession } = await ort();
    const session = await InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const batch = makeBatch(config, B, T, spec.batchSeed + T);
    const got = await runOnnx(session, config, batch);
    const model = new Decoder(referenceBackend, config, { maxB: B, maxT: T, params });
    model.setBatch(batch);
    model.forward({ train: false });
    const [hidden, logits] = await Promise.all([model.backend.read(model.hidden()), model.backend.read(model.logits())]);
    const results = [
      compareTensor("hidden", got.hidden, hidden.subarray(0, B * T * config.dModel), { atol: ATOL, rtol: 0 }),
      compareTensor("logits", got.logits, logits.subarray(0, B * T * config.NF * config.V), { atol: ATOL, rtol: 0 }),
    ];
    console.log(`${name} ONNX vs engine at B=${B}, T=${T}\n${results.map((r) => `  ${formatComparison(r)}`).join("\n")}`);
    expect(results.filter((r) => !r.ok).map(formatComparison)).toEqual([]);
    await session.release();
  });

  it("matches the PyTorch fixture's hidden states and logits", { timeout: 120_000 }, async () => {
    const fixture = readFixture(name);
    const h = fixture.header;
    expect([h.config, h.paramsSha256]).toEqual([config, sha256F32(params)]);
    const batch: Batch = { B: h.B, T: h.T, bins: Uint8Array.from(h.batch.bins), time: Int32Array.from(h.batch.time), node: Int32Array.from(h.batch.node), customer: Int32Array.from(h.batch.customer) };
    const { InferenceSession } = await ort();
    const session = await InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const got = await runOnnx(session, config, batch);
    const results = [
      compareTensor("hidden", got.hidden, fixture.tensor("hidden"), { atol: ATOL, rtol: 0 }),
      compareTensor("logits", got.logits, fixture.tensor("logits"), { atol: ATOL, rtol: 0 }),
    ];
    console.log(`${name} ONNX vs PyTorch\n${results.map((r) => `  ${formatComparison(r)}`).join("\n")}`);
    expect(results.filter((r) => !r.ok).map(formatComparison)).toEqual([]);
    await session.release();
  });
});
