/** @module Runs the shared kernel case suite on the webgpu backend (lavapipe on CPU-only machines); without an adapter it fails under CI and is skipped, with the reason, elsewhere. */
import { runKernelCases } from "../kernels.case.js";
import { WEBGPU_TOLERANCE, withWebgpuBackend } from "./test-backend.js";

await withWebgpuBackend("kernels: webgpu", (backend) => {
  runKernelCases({ name: `webgpu (${backend.adapter})`, backend, tolerance: WEBGPU_TOLERANCE });
});
