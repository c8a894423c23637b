/** @module Tensor handles of the webgpu backend: a GPUBuffer plus an element offset and length (views share the buffer). */

/** One tensor on the GPU. u8 tensors are stored as u32 (WGSL has no 8-bit storage), widened on write, narrowed on read. */
export interface GpuTensor<K extends "f32" | "u8" | "i32" = "f32" | "u8" | "i32"> {
  readonly kind: K;
  readonly buffer: GPUBuffer;
  /** Offset into buffer, in elements (4 bytes each for every kind). */
  readonly offset: number;
  /** Element count. */
  readonly length: number;
}

/** The TensorTypes of the webgpu backend (see kernels.ts). */
export interface GpuTensors {
  f32: GpuTensor<"f32">;
  u8: GpuTensor<"u8">;
  i32: GpuTensor<"i32">;
}
