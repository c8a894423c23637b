/** @module `npm run build:wasm`: writes both kernel builds and their source digests to cloud/engine/cpu/build/ (gitignored), which createCpuBackend prefers while the digest matches. */
import { mkdirSync, writeFileSync } from "node:fs";
import { BUILD_DIR, watToWasm } from "./compile.js";
import { moduleText, readFragments, sourceDigest } from "./wat-source.js";

const fragments = readFragments();
const digest = sourceDigest(fragments);
mkdirSync(BUILD_DIR, { recursive: true });
for (const variant of ["relaxed", "simd"] as const) {
  const bytes = await watToWasm(variant, moduleText(variant, fragments));
  writeFileSync(`${BUILD_DIR}kernels.${variant}.wasm`, bytes);
  writeFileSync(`${BUILD_DIR}kernels.${variant}.sha256`, `${digest}\n`);
  console.log(`${BUILD_DIR}kernels.${variant}.wasm: ${bytes.length} bytes`);
}
