/** @module The webgpu backend: WGSL kernels through Dawn, tensors as GPUBuffer views, commands recorded into one encoder and submitted lazily. */
import { VIEW_ALIGN, type Backend } from "../kernels.js";
import { requestGpuDevice } from "./device.js";
import { webgpuKernels } from "./kernels/index.js";
import { BUFFER_USAGE, Recorder } from "./recorder.js";
import type { GpuTensor, GpuTensors } from "./types.js";

export type { GpuTensor, GpuTensors } from "./types.js";

/** The webgpu backend, plus what the tests and benchmarks need beyond the interface. */
export interface WebgpuBackend extends Backend<GpuTensors> {
  readonly device: GPUDevice;
  /** The adapter's description, e.g. "mesa llvmpipe …" on lavapipe. */
  readonly adapter: string;
  readonly recorder: Recorder;
  /** Dawn's instance, held so that it outlives the device. */
  readonly gpu: GPU;
}

/** Creates the backend on a fresh device; rejects with a clear message when no adapter is available. */
export async function create(): Promise<WebgpuBackend> {
  const { gpu, device, adapter, cpu } = await requestGpuDevice();
  // WEBGPU_UNROLL=1|0 overrides the default (unrolled loops on GPUs only; see Recorder)
  const unrollEnv = process.env.WEBGPU_UNROLL;
  const rec = new Recorder(device, unrollEnv === undefined || unrollEnv === "" ? !cpu : unrollEnv === "1");
  const alloc = <K extends "f32" | "u8" | "i32">(kind: K, n: number): GpuTensor<K> => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`alloc: bad length ${n}`);
    // rounded up to 256 bytes plus one spare block, so that any (even empty) view's binding range fits
    const size = Math.ceil((n * 4) / 256) * 256 + 256;
    const buffer = device.createBuffer({ size, usage: BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST, label: `${kind}[${n}]` });
    return { kind, buffer, offset: 0, length: n };
  };
  const write = (dst: GpuTensor, data: Float32Array | Uint32Array | Int32Array): void => {
    if (data.length > dst.length) throw new RangeError(`write: ${data.length} elements into a tensor of ${dst.length}`);
    if (data.length === 0) return;
    rec.flush(); // kernels recorded earlier must see the old contents
    device.queue.writeBuffer(dst.buffer, dst.offset * 4, data.buffer, data.byteOffset, data.byteLength);
  };
  return {
    name: "webgpu",
    gpu,
    device,
    adapter,
    recorder: rec,
    kernels: webgpuKernels(rec),
    alloc: (n) => alloc("f32", n),
    allocU8: (n) => alloc("u8", n),
    allocI32: (n) => alloc("i32", n),
    view(buf, offset, n) {
      if (offset % VIEW_ALIGN !== 0) throw new RangeError(`view offset ${offset} is not a multiple of ${VIEW_ALIGN}`);
      if (offset < 0 || offset + n > buf.length) throw new RangeError(`view [${offset}, ${offset + n}) is outside a buffer of ${buf.length}`);
      return { kind: "f32", buffer: buf.buffer, offset: buf.offset + offset, length: n };
    },
    length: (buf) => buf.length,
    write: (dst, src) => write(dst, Float32Array.from(src)),
    writeU8: (dst, src) => write(dst, Uint32Array.from(src)),
    writeI32: (dst, src) => write(dst, Int32Array.from(src)),
    zero: (buf) => rec.clear(buf),
    read: async (buf) => new Float32Array(await rec.read(buf)),
    readU8: async (buf) => Uint8Array.from(new Uint32Array(await rec.read(buf))),
    sync: () => rec.sync(),
    dispose: () => device.destroy(),
  };
}
