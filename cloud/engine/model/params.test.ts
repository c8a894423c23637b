/** @module Config validation, presets, the flat parameter layout (order, alignment, counts, hash) and initParams' draw order. */
import { describe, expect, it } from "vitest";
import { VIEW_ALIGN } from "../kernels.js";
import { referenceBackend } from "../reference/index.js";
import { Mulberry32 } from "../rng.js";
import { ModelConfigError, PRESETS, modelConfig, type ModelConfig } from "./config.js";
import { allocParameterSet, initParams, paramLayout } from "./params.js";

/** The parameter count written out from docs/model.md's table, independently of paramLayout. */
function docsCount(c: ModelConfig): number {
  const C = c.dModel;
  const perLayer = 2 * C + (3 * C * C + 3 * C) + (C * C + C) + 2 * C + (c.dFF * C + c.dFF) + (C * c.dFF + C);
  return (c.NF * c.V + c.timeRows) * C + C + c.maxT * C + c.nodes * C + c.customers * C + c.nLayer * perLayer + 2 * C + c.NF * c.V * C + c.NF * c.V;
}

describe("ModelConfig", () => {
  it("presets are L-NH-C-FF 4-4-128-512, 4-4-256-1024, 4-4-512-2048 with the real NF = 86, V = 10", () => {
    const shape = (c: ModelConfig): string => `${c.nLayer}-${c.nHead}-${c.dModel}-${c.dFF}`;
    expect(shape(PRESETS.paper)).toBe("4-4-128-512");
    expect(shape(PRESETS.medium)).toBe("4-4-256-1024");
    expect(shape(PRESETS.large)).toBe("4-4-512-2048");
    for (const c of Object.values(PRESETS)) expect([c.NF, c.V, c.timeRows, c.NTIME]).toEqual([86, 10, 122, 4]);
    expect(PRESETS.paper.maxT).toBe(512);
    expect(PRESETS.paper.dropout).toBe(0.3);
  });
  it("rejects invalid configs with a clear error", () => {
    expect(() => modelConfig("paper", { nHead: 3 })).toThrow(/dModel \(128\) must be a multiple of nHead \(3\)/);
    expect(() => modelConfig("paper", { nodes: 0 })).toThrow(ModelConfigError);
    expect(() => modelConfig("paper", { dFF: 1.5 })).toThrow(/dFF must be a positive integer/);
    expect(() => modelConfig("paper", { dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
    expect(() => modelConfig("paper", { V: 300 })).toThrow(/u8/);
    expect(() => modelConfig({ nLayer: 2, bogus: 1 } as Partial<ModelConfig>)).toThrow(/unknown fields: bogus/);
    expect(modelConfig("paper", { nodes: 40, customers: 7 })).toMatchObject({ dModel: 128, nodes: 40, customers: 7 });
  });
});

describe("paramLayout", () => {
  it("follows the docs order, with VIEW_ALIGN offsets, no overlap and zero-sized gaps only as padding", () => {
    const c = modelConfig("tiny", { nLayer: 3 });
    const layout = paramLayout(c);
    const names = layout.entries.map((e) => e.name);
    const block = (l: number): string[] => ["ln1w", "ln1b", "qkvw", "qkvb", "projw", "projb", "ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb"].map((k) => `h${l}.${k}`);
    expect(names).toEqual(["wInp", "bInp", "wPos", "wNode", "wCustomer", ...block(0), ...block(1), ...block(2), "lnfw", "lnfb", "wOut", "bOut"]);
    let end = 0;
    for (const e of layout.entries) {
      expect(e.offset % VIEW_ALIGN, e.name).toBe(0);
      expect(e.offset).toBeGreaterThanOrEqual(end);
      expect(e.offset - end).toBeLessThan(VIEW_ALIGN);
      expect(e.size).toBe(e.shape.reduce((a, b) => a * b, 1));
      end = e.offset + e.size;
    }
    expect(layout.total % VIEW_ALIGN).toBe(0);
    expect(layout.total - end).toBeLessThan(VIEW_ALIGN);
    expect(layout.entries.find((e) => e.name === "h1.fcprojw")?.shape).toEqual([c.dModel, c.dFF]);
    expect(layout.entries.find((e) => e.name === "wInp")?.shape).toEqual([86 * 10 + 122, c.dModel]);
  });

  it("counts parameters as docs/model.md's table does (paper: 1,095,644 + 128·(nodes + customers))", () => {
    for (const c of [...Object.values(PRESETS), modelConfig("paper", { nodes: 5000, customers: 300 })]) expect(paramLayout(c).count).toBe(docsCount(c));
    expect(paramLayout(PRESETS.paper).count - 128 * 2).toBe(1_095_644);
  });

  it("hash is stable for equal configs and changes with any shape", () => {
    const a = paramLayout(PRESETS.tiny).hash;
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(paramLayout({ ...PRESETS.tiny }).hash).toBe(a);
    expect(paramLayout({ ...PRESETS.tiny, dropout: 0 }).hash).toBe(a);
    expect(paramLayout({ ...PRESETS.tiny, nodes: 4 }).hash).not.toBe(a);
    expect(paramLayout({ ...PRESETS.tiny, maxT: 32 }).hash).not.toBe(a);
  });

  it("named views alias the flat buffer at the layout offsets", () => {
    const c = PRESETS.tiny;
    const set = allocParameterSet(referenceBackend, c);
    const e = paramLayout(c).entries.find((x) => x.name === "h1.qkvb")!;
    set.views.layers[1]!.qkvb[2] = 42;
    expect(set.buffer[e.offset + 2]).toBe(42);
    expect(set.byName.get("h1.qkvb")).toBe(set.views.layers[1]!.qkvb);
    expect(set.views.wOut.length).toBe(c.NF * c.V * c.dModel);
  });
});

describe("initParams", () => {
  const c = modelConfig("tiny", { nLayer: 2 });
  const layout = paramLayout(c);
  const at = (name: string): { offset: number; size: number } => layout.entries.find((e) => e.name === name)!;
  const p = initParams(c, 123);

  it("draws N(0, std) from one Mulberry32 stream, tensor by tensor, element by element; constants draw nothing", () => {
    const rng = new Mulberry32(123);
    const expected: number[] = [];
    // wInp, wPos, wNode, wCustomer, then per block qkvw, projw, fcw, fcprojw, then wOut: the normal tensors in order
    const normals = layout.entries.filter((e) => e.init.kind === "normal");
    expect(normals.map((e) => e.name).slice(0, 6)).toEqual(["wInp", "wPos", "wNode", "wCustomer", "h0.qkvw", "h0.projw"]);
    for (const e of normals) for (let i = 0; i < e.size; i++) expected.push(Math.fround(rng.normal() * (e.init.kind === "normal" ? e.init.std : 0)));
    const got: number[] = [];
    for (const e of normals) for (let i = 0; i < e.size; i++) got.push(p[e.offset + i]!);
    expect(got).toEqual(expected);
  });

  it("has ones in LayerNorm weights, zeros in biases and padding, and the docs' stds", () => {
    for (const name of ["h0.ln1w", "h1.ln2w", "lnfw"]) expect(Array.from(p.subarray(at(name).offset, at(name).offset + at(name).size)).every((x) => x === 1)).toBe(true);
    for (const name of ["bInp", "h0.qkvb", "h1.fcprojb", "lnfb", "bOut"]) expect(Array.from(p.subarray(at(name).offset, at(name).offset + at(name).size)).every((x) => x === 0)).toBe(true);
    let end = 0;
    for (const e of layout.entries) {
      for (let i = end; i < e.offset; i++) expect(p[i]).toBe(0);
      end = e.offset + e.size;
    }
    const std = (name: string): number => {
      const { offset, size } = at(name);
      let s = 0;
      for (let i = 0; i < size; i++) s += p[offset + i]! ** 2;
      return Math.sqrt(s / size);
    };
    expect(std("wInp")).toBeCloseTo(0.02, 3);
    expect(std("h0.fcprojw") / 0.02).toBeCloseTo(1 / Math.sqrt(2 * c.nLayer), 1);
    expect(initParams(c, 123)).toEqual(p);
    expect(initParams(c, 124)).not.toEqual(p);
  });
});
