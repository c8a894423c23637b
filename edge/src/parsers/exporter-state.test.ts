// ExporterState's keys and snapshots: templates and samplers by (domain, id), the snapshot's string sampler keys kept.
import { describe, expect, it } from "vitest";
import { ExporterState, type Template } from "./exporter-state.js";

const template = (domain: number, id: number): Template => ({ domain, id, kind: "data", scopeFieldCount: 0, fields: [{ id: 8, length: 4, enterprise: 0 }], recordLength: 4 });

describe("ExporterState", () => {
  it("keeps templates and samplers apart by domain and id, up to the largest domain", () => {
    const state = new ExporterState();
    const big = 0xffffffff;
    state.setTemplate(template(0, 256));
    state.setTemplate(template(1, 256));
    state.setTemplate(template(big, 65535));
    expect(state.getTemplate(0, 256)?.domain).toBe(0);
    expect(state.getTemplate(1, 256)?.domain).toBe(1);
    expect(state.getTemplate(big, 65535)?.id).toBe(65535);
    expect(state.getTemplate(big, 65534)).toBeUndefined();
    expect(state.getTemplate(0, 257)).toBeUndefined();
    state.deleteTemplate(1, 256);
    expect(state.getTemplate(1, 256)).toBeUndefined();
    expect(state.templateCount()).toBe(2);

    state.setSampling(0, -1, 10);
    state.setSampling(0, 5, 512);
    state.setSampling(big, 2 ** 40, 1000);
    state.setSampling(0, 6, 0); // not an interval: ignored
    expect([state.getSampling(0, -1), state.getSampling(0, 5), state.getSampling(big, 2 ** 40), state.getSampling(0, 6), state.getSampling(1, -1)]).toEqual([10, 512, 1000, undefined, undefined]);
  });

  it("snapshots samplers as `domain/id` strings and restores every key, not dirty", () => {
    const state = new ExporterState();
    state.setTemplate(template(7, 300));
    state.setSampling(0, -1, 10);
    state.setSampling(7, 5, 512);
    const snap = structuredClone(state.snapshot());
    expect(snap.samplers).toEqual([["0/-1", 10], ["7/5", 512]]);
    const restored = ExporterState.restore(snap);
    expect(restored.dirty).toBe(false);
    expect(restored.getTemplate(7, 300)?.recordLength).toBe(4);
    expect([restored.getSampling(0, -1), restored.getSampling(7, 5)]).toEqual([10, 512]);
    expect(restored.snapshot()).toEqual(snap);
  });

  it("counts samplers across domains against the bound", () => {
    const state = new ExporterState();
    for (let i = 0; i < 5000; i++) state.setSampling(i % 3, i, 2);
    expect(state.snapshot().samplers.length).toBe(4096);
    state.setSampling(0, 0, 4); // an existing key still updates at the bound
    expect(state.getSampling(0, 0)).toBe(4);
  });
});
