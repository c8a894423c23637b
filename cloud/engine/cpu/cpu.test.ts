/** @module Runs the shared kernel case suite on the cpu backend: 2 and 1 threads, the FMA (relaxed SIMD) and the mul + add builds. */
import { runKernelCases } from "../kernels.case.js";
import { createCpuBackend } from "./index.js";

/**
 * Tolerance: the WASM kernels accumulate in float32 (the oracles in float64). The widest case is a
 * matmul dot of K = 257 unit-range products whose sum cancels to ~1e-2: float32 rounding over 257 terms
 * is ≈ √257·2⁻²⁴·(Σ|terms| ≈ 60) ≈ 6e-6 absolute, hence atol 1e-5; rtol stays at the reference's 2e-5
 * scale (exp/log polynomials are within a few ulps).
 */
const tolerance = { rtol: 2e-5, atol: 1e-5 };

for (const threads of [2, 1]) {
  for (const relaxed of [true, false]) {
    const backend = await createCpuBackend({ threads, relaxed });
    // without relaxed SIMD in this V8 the "relaxed" request falls back to mul + add: the name says which ran
    runKernelCases({ name: `cpu ${backend.features.variant} ×${threads} (asked relaxed=${relaxed})`, backend, tolerance });
  }
}
