/** @module Runs the shared LSTM case suite on the webgpu backend (lavapipe on CPU-only machines); without an adapter it fails under CI and is skipped, with the reason, elsewhere. */
import { runLstmCases } from "../lstm/lstm.case.js";
import { webgpuLstmKernels } from "./kernels/lstm.js";
import { WEBGPU_TOLERANCE, withWebgpuBackend } from "./test-backend.js";

await withWebgpuBackend("lstm kernels: webgpu", (backend) => {
  runLstmCases({ name: `webgpu (${backend.adapter})`, backend, lstm: webgpuLstmKernels(backend), tolerance: WEBGPU_TOLERANCE });
});
