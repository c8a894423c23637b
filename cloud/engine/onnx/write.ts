/** @module Writes the decoder's ONNX export to a .onnx file (Node only; no CLI). */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ModelConfig } from "../model/config.js";
import { exportDecoderOnnx } from "./export.js";

/** Exports the decoder with these parameters and writes it to `path` (parent folders created); returns the byte count. */
export async function writeDecoderOnnx(path: string, config: ModelConfig, params: Float32Array): Promise<number> {
  const bytes = exportDecoderOnnx(config, params);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return bytes.length;
}
