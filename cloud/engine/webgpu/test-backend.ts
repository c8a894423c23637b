/** @module Test helper: creates the webgpu backend for a test file, or registers a failing test under CI / a named skip elsewhere when no adapter exists. */
import { describe, expect, it } from "vitest";
import { create, type WebgpuBackend } from "./index.js";

/**
 * Float32 GPU math against float64 oracles: sums in a different order than the host (tiles, trees), fma,
 * and WGSL's exp/log/sqrt, which are only required to be within a few ULP (3 + 2|x| ULP for exp).
 * Sums of up to a few hundred O(1) products stay within ~2e-5 absolute; the largest relative errors come
 * from softmax/attention exps and from gradients that cancel to small values.
 */
export const WEBGPU_TOLERANCE = { rtol: 1e-4, atol: 2e-5 };

/** Calls register(backend) with a fresh backend, or explains why there is none (failing under CI). */
export async function withWebgpuBackend(suite: string, register: (backend: WebgpuBackend) => void): Promise<void> {
  let backend: WebgpuBackend | null = null;
  let reason = "";
  try {
    backend = await create();
  } catch (e) {
    reason = (e as Error).message;
  }
  if (backend !== null) {
    register(backend);
  } else if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") {
    describe(suite, () => {
      it("has a WebGPU adapter (CI installs Mesa's lavapipe, so a missing adapter is a defect)", () => {
        expect.fail(`no WebGPU backend under CI: ${reason}`);
      });
    });
  } else {
    console.warn(`${suite} skipped: ${reason}`);
    describe.skip(`${suite} (skipped: ${reason})`, () => {
      it("needs a WebGPU adapter", () => {});
    });
  }
}
