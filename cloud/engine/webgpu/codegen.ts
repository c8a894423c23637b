/** @module WGSL generation for the webgpu kernels: one uniform struct per kernel, one storage binding per distinct GPUBuffer, and `name[i]` tensor accesses rewritten to view-relative indices. */

/** A tensor argument of a kernel: its name in the WGSL body, its element type and whether the kernel writes it. */
export interface TensorArg {
  name: string;
  type: "f32" | "u32" | "i32";
  write?: boolean;
}
/** A scalar uniform: read in WGSL as `u.name`. */
export interface ScalarArg {
  name: string;
  type: "f32" | "u32";
}

/**
 * One compute kernel (a variant: flags such as "has bias" are baked into `key` and the text).
 * In `prelude` and `body`, `x[expr]` indexes tensor `x` relative to its view, `u.s` reads scalar `s`
 * `u.nan` is a quiet NaN and `u.one` is 1 (see uniformFields). Builtins in `main`: lid (vec3u), lidx (u32), wid (vec3u), nwg (vec3u), gid (vec3u).
 */
export interface KernelDef {
  key: string;
  tensors: readonly TensorArg[];
  scalars: readonly ScalarArg[];
  workgroupSize: readonly [number, number?, number?];
  /** Module-scope WGSL: constants, workgroup variables, helper functions (they may access tensors too). */
  prelude?: string;
  body: string;
}

/** Which binding (0-based among storage bindings) each tensor argument uses, and whether that binding is written. */
export interface BindingPattern {
  slotOf: readonly number[];
  written: readonly boolean[];
}

/**
 * Uniform struct fields in order: nan, one (= 1), one view offset per tensor, then the scalars. Loop bounds
 * multiplied by u.one are not compile-time constants, so the shader compiler keeps the loop instead of
 * unrolling it: lavapipe (LLVM) otherwise spends seconds to minutes compiling unrolled tile and barrier loops.
 */
export function uniformFields(def: KernelDef): ScalarArg[] {
  return [{ name: "nan", type: "f32" }, { name: "one", type: "u32" }, ...def.tensors.map((t) => ({ name: `o_${t.name}`, type: "u32" as const })), ...def.scalars];
}

/** Rewrites `name[expr]` (name a tensor) to `sK[u.o_name + (expr)]`, with bracket matching. */
export function rewriteAccesses(src: string, def: KernelDef, pattern: BindingPattern): string {
  let out = src;
  def.tensors.forEach((t, i) => {
    const slot = pattern.slotOf[i] as number;
    const re = new RegExp(`(?<![\\w.])${t.name}\\[`, "g");
    let result = "";
    let last = 0;
    for (let m = re.exec(out); m !== null; m = re.exec(out)) {
      const open = m.index + m[0].length; // just after '['
      let depth = 1;
      let j = open;
      for (; j < out.length && depth > 0; j++) {
        if (out[j] === "[") depth++;
        else if (out[j] === "]") depth--;
      }
      if (depth !== 0) throw new Error(`${def.key}: unbalanced [ after ${t.name}`);
      const inner = out.slice(open, j - 1);
      result += `${out.slice(last, m.index)}gbuf${slot}[u.o_${t.name} + (${inner})]`;
      last = j;
      re.lastIndex = j;
    }
    out = result + out.slice(last);
  });
  return out;
}

/**
 * The full WGSL module of a kernel variant for one binding pattern. With `unroll`, u.one is replaced by the
 * literal 1u, so compilers may unroll the small constant loops (worth it on real GPUs; on lavapipe it
 * multiplies LLVM compile times by 3–5×, see uniformFields).
 */
export function buildShader(def: KernelDef, pattern: BindingPattern, unroll = false): string {
  const text = (src: string): string => {
    const s = rewriteAccesses(src, def, pattern);
    return unroll ? s.replace(/\bu\.one\b/g, "1u") : s;
  };
  const fields = uniformFields(def)
    .map((f) => `  ${f.name}: ${f.type},`)
    .join("\n");
  const slotType = new Map<number, string>();
  def.tensors.forEach((t, i) => {
    const slot = pattern.slotOf[i] as number;
    const prev = slotType.get(slot);
    if (prev !== undefined && prev !== t.type) throw new Error(`${def.key}: tensors of types ${prev} and ${t.type} share one buffer`);
    slotType.set(slot, t.type);
  });
  const bindings = [...slotType.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([slot, type]) => `@group(0) @binding(${slot + 1}) var<storage, ${pattern.written[slot] ? "read_write" : "read"}> gbuf${slot}: array<${type}>;`)
    .join("\n");
  const [x, y = 1, z = 1] = def.workgroupSize;
  return `// kernel ${def.key}
struct U {
${fields}
}
@group(0) @binding(0) var<uniform> u: U;
${bindings}
const FLT_MAX: f32 = 0x1.fffffep+127f;
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_finite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
/** The linear workgroup index of a (possibly 2-D split) 1-D grid. */
fn wg_linear(wid: vec3u, nwg: vec3u) -> u32 { return wid.x + wid.y * nwg.x; }
${text(def.prelude ?? "")}
@compute @workgroup_size(${x}, ${y}, ${z})
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) lidx: u32,
        @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(global_invocation_id) gid: vec3u) {
${text(def.body)}
}
`;
}

/** Splits n workgroups into a grid (x ≤ 65535); kernels recover the index with wg_linear. */
export function grid1d(n: number): [number, number] {
  const count = Math.max(1, Math.ceil(n));
  if (count <= 65535) return [count, 1];
  const y = Math.ceil(count / 65535);
  return [Math.ceil(count / y), y];
}
