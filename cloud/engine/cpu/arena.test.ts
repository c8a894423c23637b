/** @module The cpu backend's memory: views stay valid when the shared memory grows, foreign arrays are refused, both builds agree, dispose stops the workers. */
import { describe, expect, it } from "vitest";
import { createArena } from "./arena.js";
import { createCpuBackend } from "./index.js";

describe("cpu arena", () => {
  it("keeps earlier views valid across growth, aligned to 256 bytes and zero-filled", () => {
    const arena = createArena(1);
    const a = arena.f32(100);
    a.fill(3);
    const before = arena.memory.buffer.byteLength;
    const big = arena.f32(3 * 262144); // 3 MiB: forces growth past the 1 MiB start
    expect(arena.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(big.every((x) => x === 0)).toBe(true);
    big[0] = 5;
    expect(a[99]).toBe(3); // the old view still reads the same bytes
    a[0] = 7;
    expect(new Float32Array(arena.memory.buffer, arena.addr(a), 1)[0]).toBe(7);
    expect(arena.addr(a) % 256).toBe(0);
    expect(arena.addr(big) % 256).toBe(0);
    expect(arena.addr(arena.u8(3)) % 256).toBe(0);
  });
  it("refuses an array that is not in its memory", () => {
    const arena = createArena(1);
    expect(() => arena.addr(new Float32Array(4))).toThrow(TypeError);
  });
});

describe("cpu backend", () => {
  it("computes the same matmul after the memory grew under earlier buffers", async () => {
    const cpu = await createCpuBackend({ threads: 2, initialMiB: 1 });
    try {
      const [BT, C, OC] = [64, 32, 48];
      const inp = cpu.alloc(BT * C);
      const w = cpu.alloc(OC * C);
      cpu.write(inp, Array.from({ length: BT * C }, (_, i) => (i % 7) - 3));
      cpu.write(w, Array.from({ length: OC * C }, (_, i) => (i % 5) - 2));
      const out1 = cpu.alloc(BT * OC);
      cpu.kernels.matmulForward(out1, inp, w, null, BT, C, OC);
      cpu.alloc(4 * 262144); // grow
      const out2 = cpu.alloc(BT * OC);
      cpu.kernels.matmulForward(out2, inp, w, null, BT, C, OC);
      expect(Array.from(await cpu.read(out2))).toEqual(Array.from(await cpu.read(out1)));
      // integers: the exact product, checked once by hand-rolled loops
      const want = new Float32Array(BT * OC);
      for (let r = 0; r < BT; r++) for (let o = 0; o < OC; o++) for (let c = 0; c < C; c++) want[r * OC + o]! += (((r * C + c) % 7) - 3) * (((o * C + c) % 5) - 2);
      expect(Array.from(out1)).toEqual(Array.from(want));
    } finally {
      cpu.dispose();
    }
  });
  it("reports its build and thread count, and refuses kernels after dispose", async () => {
    const cpu = await createCpuBackend({ threads: 2, relaxed: false });
    expect(cpu.features).toMatchObject({ variant: "simd", threads: 2 });
    cpu.dispose();
    const a = cpu.alloc(4096);
    expect(() => cpu.kernels.geluForward(a, a, 4096)).toThrow(/disposed/);
  });
});
