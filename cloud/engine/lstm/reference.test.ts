/** @module Runs the shared LSTM case suite on the reference kernels, and on the cpu backend (host arrays in WASM memory) when cloud/engine/cpu exists. */
import { describe, it } from "vitest";
import { hostBackends } from "../../../test/fixtures/engine/backends.js";
import { lstmKernelsFor } from "./index.js";
import { runLstmCases } from "./lstm.case.js";

const TOL = { rtol: 2e-5, atol: 2e-6 };
const backends = await hostBackends();
for (const nb of backends) {
  const backend = await nb.create();
  runLstmCases({ name: nb.name, backend, lstm: await lstmKernelsFor(backend), tolerance: nb.name === "reference" ? TOL : { rtol: 1e-4, atol: 1e-5 } });
}
if (!backends.some((b) => b.name === "cpu")) {
  describe.skip("lstm kernels: cpu (skipped: cloud/engine/cpu/index.ts is not in this build)", () => {
    it("needs the cpu backend", () => {});
  });
}
