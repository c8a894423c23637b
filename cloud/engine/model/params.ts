/** @module The flat parameter layout of docs/model.md (order, shapes, VIEW_ALIGN offsets, init) and the named views into one buffer. */
import { createHash } from "node:crypto";
import { VIEW_ALIGN, type Backend, type TensorTypes } from "../kernels.js";
import { Mulberry32 } from "../rng.js";
import type { ModelConfig } from "./config.js";

/** How a tensor is initialized: N(0, std) from the shared Mulberry32 stream, or a constant (no draws). */
export type ParamInit = { kind: "normal"; std: number } | { kind: "const"; value: number };

/** One tensor of the layout: its name, shape, offset (a multiple of VIEW_ALIGN) and element count. */
export interface ParamEntry {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  init: ParamInit;
}

export interface ParamLayout {
  entries: ParamEntry[];
  /** Floats in the flat buffer, padding included (a multiple of VIEW_ALIGN). */
  total: number;
  /** Real parameters (padding excluded). */
  count: number;
  /** Hex SHA-256 prefix (16 chars) of names, shapes, offsets and total. */
  hash: string;
}

const alignUp = (n: number): number => Math.ceil(n / VIEW_ALIGN) * VIEW_ALIGN;

/** Names, shapes and inits in the fixed docs/model.md order (offsets not yet assigned). */
function tensorList(c: ModelConfig): Array<Omit<ParamEntry, "offset" | "size">> {
  const C = c.dModel;
  const normal = (std: number): ParamInit => ({ kind: "normal", std });
  const ones: ParamInit = { kind: "const", value: 1 };
  const zeros: ParamInit = { kind: "const", value: 0 };
  const std = 0.02;
  const projStd = 0.02 / Math.sqrt(2 * c.nLayer);
  const list: Array<Omit<ParamEntry, "offset" | "size">> = [
    { name: "wInp", shape: [c.NF * c.V + c.timeRows, C], init: normal(std) },
    { name: "bInp", shape: [C], init: zeros },
    { name: "wPos", shape: [c.maxT, C], init: normal(std) },
    { name: "wNode", shape: [c.nodes, C], init: normal(std) },
    { name: "wCustomer", shape: [c.customers, C], init: normal(std) },
  ];
  for (let l = 0; l < c.nLayer; l++) {
    const h = `h${l}.`;
    list.push(
      { name: `${h}ln1w`, shape: [C], init: ones },
      { name: `${h}ln1b`, shape: [C], init: zeros },
      { name: `${h}qkvw`, shape: [3 * C, C], init: normal(std) },
      { name: `${h}qkvb`, shape: [3 * C], init: zeros },
      { name: `${h}projw`, shape: [C, C], init: normal(projStd) },
      { name: `${h}projb`, shape: [C], init: zeros },
      { name: `${h}ln2w`, shape: [C], init: ones },
      { name: `${h}ln2b`, shape: [C], init: zeros },
      { name: `${h}fcw`, shape: [c.dFF, C], init: normal(std) },
      { name: `${h}fcb`, shape: [c.dFF], init: zeros },
      { name: `${h}fcprojw`, shape: [C, c.dFF], init: normal(projStd) },
      { name: `${h}fcprojb`, shape: [C], init: zeros },
    );
  }
  list.push(
    { name: "lnfw", shape: [C], init: ones },
    { name: "lnfb", shape: [C], init: zeros },
    { name: "wOut", shape: [c.NF * c.V, C], init: normal(std) },
    { name: "bOut", shape: [c.NF * c.V], init: zeros },
  );
  return list;
}

/** The layout: every tensor at the next VIEW_ALIGN-aligned offset, zero padding between. */
export function paramLayout(config: ModelConfig): ParamLayout {
  const entries: ParamEntry[] = [];
  let offset = 0;
  let count = 0;
  for (const t of tensorList(config)) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    entries.push({ ...t, offset, size });
    offset = alignUp(offset + size);
    count += size;
  }
  const hash = createHash("sha256")
    .update(JSON.stringify({ entries: entries.map((e) => [e.name, e.shape, e.offset]), total: offset }))
    .digest("hex")
    .slice(0, 16);
  return { entries, total: offset, count, hash };
}

/** The initial parameters on the host: Mulberry32(seed).normal()·std, tensor by tensor, element by element (docs order); padding 0. */
export function initParams(config: ModelConfig, seed: number): Float32Array {
  const layout = paramLayout(config);
  const out = new Float32Array(layout.total);
  const rng = new Mulberry32(seed);
  for (const e of layout.entries) {
    const init = e.init;
    if (init.kind === "const") out.fill(init.value, e.offset, e.offset + e.size);
    else for (let i = 0; i < e.size; i++) out[e.offset + i] = rng.normal() * init.std;
  }
  return out;
}

/** Views of one transformer block. */
export interface LayerViews<F> {
  ln1w: F; // (C)
  ln1b: F; // (C)
  qkvw: F; // (3C, C)
  qkvb: F; // (3C)
  projw: F; // (C, C)
  projb: F; // (C)
  ln2w: F; // (C)
  ln2b: F; // (C)
  fcw: F; // (FF, C)
  fcb: F; // (FF)
  fcprojw: F; // (C, FF)
  fcprojb: F; // (C)
}

/** Typed access to the named views (the same layout for params, grads, m and v). */
export interface ModelViews<F> {
  wInp: F; // (NF·V + timeRows, C)
  bInp: F; // (C)
  wPos: F; // (maxT, C)
  wNode: F; // (nodes, C)
  wCustomer: F; // (customers, C)
  layers: Array<LayerViews<F>>;
  lnfw: F; // (C)
  lnfb: F; // (C)
  wOut: F; // (NF·V, C)
  bOut: F; // (NF·V)
}

/** One flat buffer (layout.total floats) and its named views. */
export interface ParameterSet<T extends TensorTypes> {
  layout: ParamLayout;
  buffer: T["f32"];
  /** Every view by layout name ("wInp", "h0.qkvw", ...). */
  byName: Map<string, T["f32"]>;
  views: ModelViews<T["f32"]>;
}

const LAYER_KEYS = ["ln1w", "ln1b", "qkvw", "qkvb", "projw", "projb", "ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb"] as const;

/** Allocates a zero-filled flat buffer on the backend and its named views. */
export function allocParameterSet<T extends TensorTypes>(backend: Backend<T>, config: ModelConfig, layout: ParamLayout = paramLayout(config)): ParameterSet<T> {
  const buffer = backend.alloc(layout.total);
  const byName = new Map<string, T["f32"]>();
  for (const e of layout.entries) byName.set(e.name, backend.view(buffer, e.offset, e.size));
  const get = (name: string): T["f32"] => {
    const v = byName.get(name);
    if (v === undefined) throw new Error(`parameter layout has no tensor "${name}"`);
    return v;
  };
  const layers: Array<LayerViews<T["f32"]>> = [];
  for (let l = 0; l < config.nLayer; l++) {
    const entries = LAYER_KEYS.map((k) => [k, get(`h${l}.${k}`)] as const);
    layers.push(Object.fromEntries(entries) as unknown as LayerViews<T["f32"]>);
  }
  const views: ModelViews<T["f32"]> = {
    wInp: get("wInp"),
    bInp: get("bInp"),
    wPos: get("wPos"),
    wNode: get("wNode"),
    wCustomer: get("wCustomer"),
    layers,
    lnfw: get("lnfw"),
    lnfb: get("lnfb"),
    wOut: get("wOut"),
    bOut: get("bOut"),
  };
  return { layout, buffer, byName, views };
}
