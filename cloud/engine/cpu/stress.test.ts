/** @module The cpu backend's determinism under CPU load: a small Decoder training run is bit-identical on 1 and 2 threads, on fresh and reused backends, and the pool never returns before a worker finished. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCpuBackend } from "./index.js";
import { cpuLoad, poolHammer, stressRun, type StressResult } from "./stress.js";

describe("cpu backend under load", () => {
  // two busy processes compete with the 2 threads for the whole file (killed after it)
  let load: { stop(): void } | undefined;
  beforeAll(() => {
    load = cpuLoad(2);
  });
  afterAll(() => load?.stop());

  let want: StressResult | undefined;
  it("trains the same with 1 thread as with 2, bit for bit, run after run", { timeout: 60_000 }, async () => {
    const one = await createCpuBackend({ threads: 1 });
    want = await stressRun(one);
    one.dispose();
    expect(want.losses.every(Number.isFinite)).toBe(true);
    const two = await createCpuBackend({ threads: 2 });
    try {
      for (let round = 0; round < 6; round++) {
        // fresh backends in odd rounds: new workers, a new arena, kernels tiering up from the start
        const backend = round % 2 === 0 ? two : await createCpuBackend({ threads: 2 });
        try {
          const got = await stressRun(backend);
          expect({ round, digest: got.digest, losses: got.losses }).toEqual({ round, digest: want.digest, losses: want.losses });
        } finally {
          if (backend !== two) backend.dispose();
        }
      }
    } finally {
      two.dispose();
    }
  });

  it("returns from every job only after each thread's part is done", { timeout: 60_000 }, async () => {
    const backend = await createCpuBackend({ threads: 2 });
    try {
      expect(poolHammer(backend, 4000)).toBe(0);
    } finally {
      backend.dispose();
    }
  });
});
