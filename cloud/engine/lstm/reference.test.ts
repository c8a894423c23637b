/** @module Runs the shared LSTM case suite on the reference kernels (the cpu backend's WASM kernels run it in cloud/engine/cpu/lstm.test.ts). */
import { referenceBackend } from "../reference/index.js";
import { lstmKernelsFor } from "./index.js";
import { runLstmCases } from "./lstm.case.js";

const TOL = { rtol: 2e-5, atol: 2e-6 };
runLstmCases({ name: "reference", backend: referenceBackend, lstm: await lstmKernelsFor(referenceBackend), tolerance: TOL });
