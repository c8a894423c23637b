/** @module `--config`: presets and JSON files become a ModelConfig sized for the data; bad specs are OptionsErrors. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OptionsError } from "./errors.js";
import { resolveModelConfig } from "./model-config.js";
import { cleanupTmp, tmpDir } from "./test-fixtures.js";

afterAll(cleanupTmp);
const sizes = { nodes: 7, customers: 3 };

describe("resolveModelConfig", () => {
  it("a preset, sized by the data, with the run's dropout", () => {
    const c = resolveModelConfig("paper", sizes, 0.1);
    expect([c.nLayer, c.nHead, c.dModel, c.dFF, c.maxT, c.nodes, c.customers, c.dropout]).toEqual([4, 4, 128, 512, 512, 7, 3, 0.1]);
    expect(resolveModelConfig("medium", sizes).dropout).toBe(0.3);
  });

  it("a JSON file over a preset; the data's sizes win over the file's", () => {
    const path = join(tmpDir(), "c.json");
    writeFileSync(path, JSON.stringify({ preset: "tiny", dModel: 24, nHead: 3, nodes: 99 }));
    const c = resolveModelConfig(path, sizes);
    expect([c.nLayer, c.nHead, c.dModel, c.maxT, c.nodes]).toEqual([2, 3, 24, 16, 7]);
  });

  it("refuses unknown presets, bad JSON and invalid fields", () => {
    expect(() => resolveModelConfig("huge", sizes)).toThrow(OptionsError);
    const dir = tmpDir();
    writeFileSync(join(dir, "bad.json"), "{");
    expect(() => resolveModelConfig(join(dir, "bad.json"), sizes)).toThrow(/not JSON/);
    writeFileSync(join(dir, "odd.json"), JSON.stringify({ dModel: 30, nHead: 4 }));
    expect(() => resolveModelConfig(join(dir, "odd.json"), sizes)).toThrow(/multiple of nHead/);
  });
});
