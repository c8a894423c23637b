/** @module The heads on an engine backend against the plain-JS path: trainHeadOn / headSurvivalOn / the input gradient / trainClassifierOn / trainMultiTaskOn equal trainHead & co. (reference backend: float32 rounding; cpu backend: float32 tolerance), and are deterministic. */
import { afterAll, describe, expect, it } from "vitest";
import { createCpuBackend, type CpuBackend } from "../../engine/cpu/index.js";
import type { Backend } from "../../engine/kernels.js";
import { referenceBackend } from "../../engine/reference/index.js";
import { Mulberry32 } from "../../engine/rng.js";
import { trainClassifier } from "./classifier.js";
import { trainClassifierOn } from "./engine-classifier.js";
import { EngineHead, headSurvivalOn, meanHeadLossOn, trainHeadOn } from "./engine-head.js";
import { allocHeadActs, allocHeadScratch, headBackward, headForward, headLoss } from "./head.js";
import { mlpViews } from "./mlp.js";
import { trainMultiTask, trainMultiTaskOn } from "./multitask.js";
import { syntheticHidden } from "./testdata.js";
import { headSurvival, meanHeadLoss, newHead, trainHead } from "./train.js";

const T = 20;
const C = 6;
const train = syntheticHidden(24, T, C, 21, ["dns", "ntp", "udp"]);
const val = syntheticHidden(12, T, C, 22, ["dns", "ntp", "udp"]);
const opts = { epochs: 4, lr: 3e-3, batch: 5, seed: 7, hiddenUnits: 16 };

let cpu: CpuBackend | null = null;
const cpuBackend = async (): Promise<CpuBackend> => (cpu ??= await createCpuBackend({ threads: 2 }));
afterAll(() => cpu?.dispose());

/** |got − want| ≤ abs + rel·|want| everywhere. */
function close(got: ArrayLike<number>, want: ArrayLike<number>, abs: number, rel: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i]! - want[i]!) <= abs + rel * Math.abs(want[i]!))) expect.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
}

const TOL = { reference: { abs: 1e-6, rel: 1e-5 }, cpu: { abs: 2e-5, rel: 2e-4 } } as const;
const backends: [keyof typeof TOL, () => Promise<Backend>][] = [
  ["reference", async () => referenceBackend],
  ["cpu", cpuBackend],
];

describe.each(backends)("heads on the %s backend", (name, open) => {
  const tol = TOL[name];

  it("trainHeadOn equals trainHead (same init, batch order, best validation epoch) and is deterministic", async () => {
    const b = await open();
    const validation = { hidden: val.hidden, labels: val.labels };
    const want = trainHead(train.hidden, train.labels, { ...opts, validation });
    const got = await trainHeadOn(b, train.hidden, train.labels, { ...opts, validation });
    expect(got.bestEpoch).toBe(want.bestEpoch);
    close(got.params, want.params, tol.abs, tol.rel, "params");
    close(got.history.map((h) => h.trainLoss), want.history.map((h) => h.trainLoss), tol.abs, tol.rel, "train loss");
    close(got.history.map((h) => h.valLoss!), want.history.map((h) => h.valLoss!), tol.abs, tol.rel, "val loss");
    const again = await trainHeadOn(b, train.hidden, train.labels, { ...opts, validation });
    expect(Array.from(again.params)).toEqual(Array.from(got.params));
    expect(again.history).toEqual(got.history);
  });

  it("headSurvivalOn and meanHeadLossOn equal headSurvival and meanHeadLoss (examples subset, chunks)", async () => {
    const b = await open();
    const head = trainHead(train.hidden, train.labels, { ...opts, epochs: 2 });
    const ex = [3, 0, 11, 7, 5];
    close(await headSurvivalOn(b, head, val.hidden, undefined, 5), headSurvival(head, val.hidden), tol.abs, tol.rel, "survival");
    close(await headSurvivalOn(b, head, val.hidden, ex), headSurvival(head, val.hidden, ex), tol.abs, tol.rel, "survival subset");
    expect(Math.abs((await meanHeadLossOn(b, head, val.hidden, val.labels, ex)) - meanHeadLoss(head, val.hidden, val.labels, ex))).toBeLessThan(1e-4);
  });

  it("the input gradient (end-to-end baselines) equals headBackward's dinp", async () => {
    const b = await open();
    const N = 3;
    const head = newHead(C, T, 16, 5);
    const r = new Mulberry32(9);
    const inp = Float32Array.from({ length: N * T * C }, () => r.normal());
    const labels = [1, 0, 1];
    const acts = allocHeadActs(N, T, head.cfg);
    const s = allocHeadScratch(N, T, head.cfg);
    const p = mlpViews(head.params, head.cfg);
    headForward(acts, p, inp, N, T, head.cfg);
    const loss = headLoss(acts, labels, N, T);
    headBackward(mlpViews(new Float32Array(head.params.length), head.cfg), s, acts, p, inp, labels, N, T, head.cfg);
    const eh = new EngineHead(b, head.cfg, 4, T);
    eh.load(head);
    const got = await eh.forward(inp, N);
    close(got.survival.subarray(0, N * T), acts.survival, tol.abs, tol.rel, "survival");
    expect(Math.abs(eh.loss(labels) - loss)).toBeLessThan(1e-5);
    close((await eh.backward(labels, true))!, s.dinp!, tol.abs, tol.rel, "dinp");
  });

  it("trainClassifierOn equals trainClassifier", async () => {
    const b = await open();
    const target = train.labels.map((l, n) => (l === 1 ? ["dns", "ntp", "udp"].indexOf(train.types[n]!) : -1));
    const data = { hidden: train.hidden, target, from: train.onsets.map((o) => o ?? 0) };
    const o = { epochs: 3, batch: 4, hiddenUnits: 16, lr: 3e-3 };
    const want = trainClassifier(data, 3, o);
    const got = await trainClassifierOn(b, data, 3, o);
    close(got.params, want.params, tol.abs, tol.rel, "classifier params");
    close(got.history, want.history, tol.abs, tol.rel, "classifier loss");
  });

  it("trainMultiTaskOn trains the same heads and classifier as trainMultiTask", async () => {
    const b = await open();
    const o = { minAttacks: 3, head: { ...opts, epochs: 2 }, classifier: { epochs: 2, hiddenUnits: 8 } };
    const want = trainMultiTask(train, o);
    const got = await trainMultiTaskOn(b, train, o);
    expect([...got.heads.keys()]).toEqual([...want.heads.keys()]);
    expect(got.types).toEqual(want.types);
    for (const [k, h] of want.heads) close(got.heads.get(k)!.params, h.params, tol.abs, tol.rel, `head ${k}`);
    close(got.classifier!.params, want.classifier!.params, tol.abs, tol.rel, "classifier");
  });
});
