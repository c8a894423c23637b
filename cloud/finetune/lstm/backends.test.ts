/** @module The Multiscale-LSTM on the cpu and webgpu backends against the reference backend: the same init and batch give the same features and parameter gradients (named skips when a backend is missing). */
import { describe, expect, it } from "vitest";
import { hostBackends } from "../../../test/fixtures/engine/backends.js";
import type { Backend, TensorTypes } from "../../engine/kernels.js";
import { lstmKernelsFor } from "../../engine/lstm/index.js";
import { referenceBackend } from "../../engine/reference/index.js";
import { mulberry32 } from "../../engine/rng.js";
import type { LstmConfig } from "./config.js";
import { MultiscaleLstm } from "./model.js";

const cfg: LstmConfig = { NF: 5, V: 4, timeRows: 6, NTIME: 2, E: 6, H: 8, scales: [1, 5, 7] };
const B = 3;
const T = 20;

async function run<T2 extends TensorTypes>(backend: Backend<T2>): Promise<{ feat: Float32Array; grads: Float32Array }> {
  const model = new MultiscaleLstm(backend, await lstmKernelsFor(backend), cfg, B, T, 11);
  const r = mulberry32(12);
  model.setBatch(Array.from({ length: B * T * cfg.NF }, () => Math.floor(r() * cfg.V)), Array.from({ length: B * T * cfg.NTIME }, (_, i) => (i % 2) * 3 + Math.floor(r() * 3)), B);
  model.forward();
  const feat = (await model.features()).slice();
  model.zeroGrad();
  model.backward(Array.from({ length: B * T * model.D }, () => r() - 0.5));
  return { feat, grads: (await backend.read(model.grads)).slice() };
}

function close(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i]! - want[i]!) <= 2e-5 + 1e-4 * Math.abs(want[i]!))) expect.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
}

const want = await run(referenceBackend);
const others: { name: string; create: () => Promise<Backend<TensorTypes>> }[] = (await hostBackends()).filter((b) => b.name !== "reference");
let webgpuReason = "";
try {
  const { create } = await import("../../engine/webgpu/index.js");
  const wb = await create();
  others.push({ name: `webgpu (${wb.adapter})`, create: async () => wb as unknown as Backend<TensorTypes> });
} catch (e) {
  webgpuReason = (e as Error).message;
}

describe("Multiscale-LSTM across backends", () => {
  for (const nb of others) {
    it(`${nb.name}: features and gradients match the reference backend`, async () => {
      const backend = await nb.create();
      try {
        const got = await run(backend);
        close(got.feat, want.feat, "features");
        close(got.grads, want.grads, "grads");
      } finally {
        backend.dispose();
      }
    }, 60_000);
  }
  if (!others.some((b) => b.name === "cpu")) it.skip("cpu (skipped: cloud/engine/cpu/index.ts is not in this build)", () => {});
  if (webgpuReason !== "") {
    if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") it("webgpu has an adapter under CI", () => expect.fail(webgpuReason));
    else it.skip(`webgpu (skipped: ${webgpuReason})`, () => {});
  }
});
