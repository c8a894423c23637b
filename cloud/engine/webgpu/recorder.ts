/** @module The webgpu command recorder: kernels record compute dispatches into one command encoder, submitted lazily (at read/sync/write, or past a dispatch threshold); pipelines and layouts are cached, uniforms live in one buffer per submission. */
import { buildShader, uniformFields, type BindingPattern, type KernelDef } from "./codegen.js";
import type { GpuTensor } from "./types.js";

// WebGPU flag values (fixed by the spec), so that no global from the `webgpu` package is needed.
export const BUFFER_USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const SHADER_STAGE_COMPUTE = 0x4;
const MAP_MODE_READ = 0x1;

/** Bytes per uniform slot (one per dispatch): WebGPU's largest minUniformBufferOffsetAlignment. */
const SLOT = 256;
/** Dispatches recorded before the encoder is submitted on its own. */
const MAX_PENDING = 512;

interface Pipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

export class Recorder {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly uniformHost = new ArrayBuffer(MAX_PENDING * SLOT);
  private readonly uniformU32 = new Uint32Array(this.uniformHost);
  private readonly uniformF32 = new Float32Array(this.uniformHost);
  private readonly uniformBuf: GPUBuffer;
  private slots = 0;
  private readonly pipelines = new Map<string, Pipeline>();
  private readonly errors: string[] = [];
  /** Dispatches recorded since creation (for tests and benchmarks). */
  dispatches = 0;
  /** A 64-float buffer bound in place of an absent optional tensor (e.g. a null bias), so the pipeline stays the same. */
  readonly dummy: GpuTensor<"f32">;

  /**
   * @param unroll let the shader compiler unroll small constant loops (buildShader): true on real GPUs,
   *   false on CPU adapters (lavapipe), where unrolled tile loops take LLVM many seconds to compile.
   */
  constructor(
    readonly device: GPUDevice,
    readonly unroll: boolean,
  ) {
    this.dummy = { kind: "f32", buffer: device.createBuffer({ size: 256, usage: BUFFER_USAGE.STORAGE, label: "dummy" }), offset: 0, length: 64 };
    this.uniformBuf = device.createBuffer({ size: MAX_PENDING * SLOT, usage: BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST, label: "uniforms" });
    device.addEventListener("uncapturederror", (ev) => {
      this.errors.push((ev as GPUUncapturedErrorEvent).error.message);
    });
    void device.lost.then((info) => {
      if (info.reason !== "destroyed") this.errors.push(`device lost: ${info.message}`);
    });
  }

  /** Records one dispatch of def over grid workgroups; tensors and scalars in def's order. */
  run(def: KernelDef, tensors: readonly GpuTensor[], scalars: readonly number[], grid: readonly [number, number?, number?]): void {
    if (tensors.length !== def.tensors.length || scalars.length !== def.scalars.length) throw new Error(`${def.key}: wrong argument count`);
    const [gx, gy = 1, gz = 1] = grid;
    if (gx === 0 || gy === 0 || gz === 0) return;
    if (this.slots === MAX_PENDING) this.flush();
    // one binding per distinct buffer, covering the range of every view of it that this kernel uses
    const buffers: GPUBuffer[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    const written: boolean[] = [];
    const slotOf = tensors.map((t, i) => {
      let s = buffers.indexOf(t.buffer);
      if (s < 0) {
        s = buffers.push(t.buffer) - 1;
        lo.push(Infinity);
        hi.push(0);
        written.push(false);
      }
      lo[s] = Math.min(lo[s] as number, Math.floor(t.offset / 64) * 64);
      hi[s] = Math.max(hi[s] as number, t.offset + t.length);
      if (def.tensors[i]?.write === true) written[s] = true;
      return s;
    });
    const pattern: BindingPattern = { slotOf, written };
    const { pipeline, layout } = this.pipeline(def, pattern);
    // uniforms: nan, view offsets relative to each binding's start, scalars
    const base = (this.slots * SLOT) / 4;
    const fields = uniformFields(def);
    this.uniformF32[base] = NaN;
    this.uniformU32[base + 1] = 1;
    tensors.forEach((t, i) => (this.uniformU32[base + 2 + i] = t.offset - (lo[slotOf[i] as number] as number)));
    scalars.forEach((v, i) => {
      const at = base + 2 + tensors.length + i;
      if (fields[at - base]?.type === "f32") this.uniformF32[at] = v;
      else this.uniformU32[at] = v >>> 0;
    });
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.uniformBuf, offset: this.slots * SLOT, size: Math.ceil(fields.length / 4) * 16 } }];
    buffers.forEach((buffer, s) => {
      const start = (lo[s] as number) * 4;
      const size = Math.max(4, ((hi[s] as number) - (lo[s] as number)) * 4);
      entries.push({ binding: s + 1, resource: { buffer, offset: start, size } });
    });
    const group = this.device.createBindGroup({ layout, entries, label: def.key });
    this.slots++;
    this.dispatches++;
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(gx, gy, gz);
  }

  /** Records buffer[offset, offset + n) = 0 (elements), in order with the dispatches. */
  clear(t: GpuTensor): void {
    if (t.length === 0) return;
    this.commandEncoder().clearBuffer(t.buffer, t.offset * 4, t.length * 4);
  }

  /** Submits everything recorded so far (uniforms first). */
  flush(): void {
    if (this.encoder === null) return;
    this.endPass();
    if (this.slots > 0) this.device.queue.writeBuffer(this.uniformBuf, 0, this.uniformHost, 0, this.slots * SLOT);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.slots = 0;
  }

  /** A host copy of t's 32-bit words, after every kernel recorded so far. */
  async read(t: GpuTensor): Promise<ArrayBuffer> {
    if (t.length === 0) return new ArrayBuffer(0);
    const staging = this.device.createBuffer({ size: t.length * 4, usage: BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST, label: "read staging" });
    this.commandEncoder().copyBufferToBuffer(t.buffer, t.offset * 4, staging, 0, t.length * 4);
    this.flush();
    try {
      await staging.mapAsync(MAP_MODE_READ);
      this.throwErrors();
      return staging.getMappedRange().slice(0);
    } finally {
      if (staging.mapState === "mapped") staging.unmap();
      staging.destroy();
    }
  }

  /** Resolves when all submitted work ran; rejects with the validation errors seen so far. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.throwErrors();
  }

  private throwErrors(): void {
    if (this.errors.length === 0) return;
    const msg = this.errors.splice(0).join("\n");
    throw new Error(`webgpu: ${msg}`);
  }

  private commandEncoder(): GPUCommandEncoder {
    this.endPass();
    if (this.encoder === null) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }
  private computePass(): GPUComputePassEncoder {
    if (this.pass === null) this.pass = this.commandEncoder().beginComputePass();
    return this.pass;
  }
  private endPass(): void {
    if (this.pass === null) return;
    this.pass.end();
    this.pass = null;
  }

  private pipeline(def: KernelDef, pattern: BindingPattern): Pipeline {
    const key = `${def.key}|${pattern.slotOf.join(",")}|${pattern.written.map(Number).join("")}`;
    const cached = this.pipelines.get(key);
    if (cached !== undefined) return cached;
    const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: SHADER_STAGE_COMPUTE, buffer: { type: "uniform" } }];
    pattern.written.forEach((w, s) => entries.push({ binding: s + 1, visibility: SHADER_STAGE_COMPUTE, buffer: { type: w ? "storage" : "read-only-storage" } }));
    const layout = this.device.createBindGroupLayout({ entries, label: key });
    const module = this.device.createShaderModule({ code: buildShader(def, pattern, this.unroll), label: key });
    const pipeline = this.device.createComputePipeline({
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: "main" },
      label: key,
    });
    const p = { pipeline, layout };
    this.pipelines.set(key, p);
    return p;
  }
}
