/** @module Acquires a WebGPU device through Dawn (the `webgpu` npm package), with the limits the kernels need. */
import { create as createGpu } from "webgpu";

/** The limits the kernels rely on past WebGPU's defaults, raised to what the adapter offers. */
const RAISED_LIMITS = ["maxStorageBuffersPerShaderStage", "maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupStorageSize"] as const;

export interface GpuDevice {
  /** Dawn's instance: it must stay referenced while the device lives (if it is collected, work never completes). */
  gpu: GPU;
  device: GPUDevice;
  /** A short description of the adapter (vendor, architecture, device). */
  adapter: string;
  /** A CPU implementation (lavapipe/llvmpipe, SwiftShader, or any adapter flagged as fallback). */
  cpu: boolean;
}

/** Requests a high-performance adapter and a device; throws an Error with a clear message if there is none. */
export async function requestGpuDevice(): Promise<GpuDevice> {
  let gpu: GPU;
  try {
    gpu = createGpu([]);
  } catch (e) {
    throw new Error(`webgpu: Dawn failed to load (${(e as Error).message})`);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null) throw new Error("webgpu: no WebGPU adapter (no GPU and no Vulkan driver; on CPU-only machines install Mesa ≥ 25 lavapipe, see PLATFORM-NOTES)");
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredLimits, label: "engine" });
  const info = adapter.info;
  const desc = [info.vendor, info.architecture, info.device, info.description].filter((x) => x !== undefined && x !== "").join(" ");
  const cpu = info.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader/i.test(desc);
  return { gpu, device, adapter: desc === "" ? "unknown adapter" : desc, cpu };
}
