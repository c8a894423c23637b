/** @module Decoder behaviour on the reference backend: loss at init, overfitting one batch, anchored causality (streaming), batch independence, determinism, input checks. */
import { describe, expect, it } from "vitest";
import { referenceBackend } from "../reference/index.js";
import { BatchError } from "./batch.js";
import { modelConfig, PRESETS } from "./config.js";
import { Decoder, PAPER_ADAMW } from "./model.js";
import { prefixBatch, randomBatch, windowOf } from "./test-helpers.js";

const tiny = PRESETS.tiny;
const C = tiny.dModel;
const NV = tiny.NF * tiny.V;

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe("Decoder", () => {
  it("starts at loss ≈ ln(V) = 2.3026 (small init) and at chance accuracy", async () => {
    const model = new Decoder(referenceBackend, tiny, { maxB: 4, seed: 1 });
    model.setBatch(randomBatch(tiny, 4, 16, 2));
    model.forward({ train: false });
    const loss = await model.loss();
    expect(Math.abs(loss - Math.log(10))).toBeLessThan(0.01);
    const acc = await model.accuracy();
    expect(acc).toBeGreaterThan(0.02);
    expect(acc).toBeLessThan(0.25);
  });

  it("overfits a fixed batch: 20 Adam steps lower the loss", async () => {
    const model = new Decoder(referenceBackend, tiny, { maxB: 2, seed: 3 });
    model.setBatch(randomBatch(tiny, 2, 12, 4));
    const losses: number[] = [];
    for (let t = 1; t <= 20; t++) {
      model.zeroGrad();
      model.forward({ train: true, dropoutSeed: t });
      model.backward();
      model.step({ ...PAPER_ADAMW, lr: 1e-2 }, t);
      losses.push(await model.loss());
    }
    model.forward({ train: false });
    const final = await model.loss();
    expect(losses[0]!).toBeGreaterThan(2.2);
    expect(final).toBeLessThan(0.75 * losses[0]!);
    expect(losses[19]!).toBeLessThan(losses[9]!);
  });

  it("is causal from the anchor: minute t's hidden state over T minutes equals the one over the first t+1 minutes", async () => {
    const model = new Decoder(referenceBackend, tiny, { maxB: 2, seed: 5 });
    const full = randomBatch(tiny, 2, 14, 6);
    model.setBatch(full);
    model.forward({ train: false });
    const hFull = await model.backend.read(model.hidden());
    const lFull = await model.backend.read(model.logits());
    for (const t of [0, 1, 6, 13]) {
      model.setBatch(prefixBatch(tiny, full, t + 1));
      model.forward({ train: false });
      const h = await model.backend.read(model.hidden());
      const l = await model.backend.read(model.logits());
      for (let b = 0; b < 2; b++) {
        for (const tt of [0, t]) {
          const row = (buf: Float32Array, T: number, w: number): Float32Array => buf.subarray(((b * T) + tt) * w, ((b * T) + tt + 1) * w);
          expect(maxAbsDiff(row(h, t + 1, C), row(hFull, 14, C)), `hidden b=${b} t=${tt} of ${t + 1}`).toBeLessThanOrEqual(1e-6);
          expect(maxAbsDiff(row(l, t + 1, NV), row(lFull, 14, NV)), `logits b=${b} t=${tt}`).toBeLessThanOrEqual(1e-6);
        }
      }
    }
    // a later minute's input changes later hidden states only
    const changed = prefixBatch(tiny, full, 14);
    const m = 9;
    for (let f = 0; f < tiny.NF; f++) changed.bins[m * tiny.NF + f] = (changed.bins[m * tiny.NF + f]! + 1) % tiny.V;
    model.setBatch(changed);
    model.forward({ train: false });
    const hChanged = await model.backend.read(model.hidden());
    expect(maxAbsDiff(hChanged.subarray(0, m * C), hFull.subarray(0, m * C))).toBe(0);
    expect(maxAbsDiff(hChanged.subarray(m * C, (m + 1) * C), hFull.subarray(m * C, (m + 1) * C))).toBeGreaterThan(1e-3);
  });

  it("keeps windows independent: window b's outputs do not depend on the other windows", async () => {
    const model = new Decoder(referenceBackend, tiny, { maxB: 3, seed: 8 });
    const batch = randomBatch(tiny, 3, 10, 9);
    batch.node.set([0, 1, 2]);
    model.setBatch(batch);
    model.forward({ train: false });
    const h = await model.backend.read(model.hidden());
    const p = await model.backend.read(model.probs());
    const rows = 10;
    for (let b = 0; b < 3; b++) {
      model.setBatch(windowOf(tiny, batch, b));
      model.forward({ train: false });
      const hb = await model.backend.read(model.hidden());
      const pb = await model.backend.read(model.probs());
      expect(maxAbsDiff(hb.subarray(0, rows * C), h.subarray(b * rows * C, (b + 1) * rows * C))).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(pb.subarray(0, rows * NV), p.subarray(b * rows * NV, (b + 1) * rows * NV))).toBeLessThanOrEqual(1e-6);
    }
    // changing window 1 entirely leaves windows 0 and 2 bit-identical
    const other = randomBatch(tiny, 3, 10, 99);
    other.bins.set(batch.bins.subarray(0, 11 * tiny.NF), 0);
    other.bins.set(batch.bins.subarray(22 * tiny.NF), 22 * tiny.NF);
    other.time.set(batch.time.subarray(0, 10 * 4), 0);
    other.time.set(batch.time.subarray(20 * 4), 20 * 4);
    other.node.set([0, 2, 2]);
    other.customer.set([batch.customer[0]!, (batch.customer[1]! + 1) % tiny.customers, batch.customer[2]!]);
    model.setBatch(other);
    model.forward({ train: false });
    const h2 = await model.backend.read(model.hidden());
    expect(maxAbsDiff(h2.subarray(0, rows * C), h.subarray(0, rows * C))).toBe(0);
    expect(maxAbsDiff(h2.subarray(2 * rows * C, 3 * rows * C), h.subarray(2 * rows * C, 3 * rows * C))).toBe(0);
    expect(maxAbsDiff(h2.subarray(rows * C, 2 * rows * C), h.subarray(rows * C, 2 * rows * C))).toBeGreaterThan(1e-3);
  });

  it("is deterministic for a seed; dropout depends on dropoutSeed only in training", async () => {
    const run = async (init: number, dropoutSeed: number, train: boolean): Promise<[number, Float32Array]> => {
      const model = new Decoder(referenceBackend, tiny, { maxB: 2, seed: init });
      model.setBatch(randomBatch(tiny, 2, 8, 10));
      model.zeroGrad();
      model.forward({ train, dropoutSeed });
      model.backward();
      return [await model.loss(), await model.readGrads()];
    };
    const [l1, g1] = await run(1, 7, true);
    const [l2, g2] = await run(1, 7, true);
    expect(l2).toBe(l1);
    expect(g2).toEqual(g1);
    const [l3] = await run(1, 8, true);
    expect(l3).not.toBe(l1);
    const [e1] = await run(1, 7, false);
    const [e2] = await run(1, 8, false);
    expect(e2).toBe(e1);
    const noDrop = new Decoder(referenceBackend, modelConfig("tiny", { dropout: 0 }), { maxB: 2, seed: 1 });
    noDrop.setBatch(randomBatch(tiny, 2, 8, 10));
    noDrop.forward({ train: true });
    expect(await noDrop.loss()).toBe(e1);
  });

  it("accumulates gradients over two backward passes until zeroGrad", async () => {
    const model = new Decoder(referenceBackend, modelConfig("tiny", { dropout: 0 }), { maxB: 2, seed: 2 });
    model.setBatch(randomBatch(tiny, 2, 6, 3));
    model.zeroGrad();
    model.forward({ train: true });
    model.backward();
    const once = await model.readGrads();
    model.forward({ train: true });
    model.backward();
    const twice = await model.readGrads();
    let err = 0;
    for (let i = 0; i < once.length; i++) err = Math.max(err, Math.abs(twice[i]! - 2 * once[i]!));
    expect(err).toBeLessThan(1e-7);
    model.zeroGrad();
    expect((await model.readGrads()).every((x) => x === 0)).toBe(true);
  });

  it("rejects batches that do not fit or hold out-of-range indices", () => {
    const model = new Decoder(referenceBackend, tiny, { maxB: 2, seed: 1 });
    expect(() => model.setBatch(randomBatch(tiny, 3, 4, 1))).toThrow(BatchError);
    expect(() => model.setBatch(randomBatch(tiny, 1, 17, 1))).toThrow(/T=17 must be in \[1, 16\]/);
    const bad = randomBatch(tiny, 1, 4, 1);
    bad.bins[5] = 10;
    expect(() => model.setBatch(bad)).toThrow(/bins\[5\] = 10/);
    const badNode = randomBatch(tiny, 1, 4, 1);
    badNode.node[0] = tiny.nodes;
    expect(() => model.setBatch(badNode)).toThrow(/node\[0\]/);
    model.setBatch(randomBatch(tiny, 1, 4, 1));
    expect(() => model.forward({ train: true })).toThrow(/dropoutSeed/);
    expect(() => new Decoder(referenceBackend, tiny, { maxB: 1, maxT: 17 })).toThrow(RangeError);
  });
});
