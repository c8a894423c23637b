/** @module The backend registry: reference always opens, unknown names are refused with the list of known ones. */
import { describe, expect, it } from "vitest";
import { BackendUnavailableError, openBackend } from "./backends.js";

describe("backend registry", () => {
  it("opens the reference backend", async () => {
    const b = await openBackend("reference");
    expect(b.name).toBe("reference");
    expect(b.length(b.alloc(3))).toBe(3);
  });

  it("refuses an unknown backend by name", async () => {
    const err = await openBackend("tpu").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/unknown backend "tpu".*reference, cpu, webgpu/);
  });
});
