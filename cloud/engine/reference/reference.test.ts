/** @module Runs the shared kernel case suite on the reference backend. */
import { runKernelCases } from "../kernels.case.js";
import { referenceBackend } from "./index.js";

runKernelCases({ name: "reference", backend: referenceBackend, tolerance: { rtol: 2e-5, atol: 2e-6 } });
