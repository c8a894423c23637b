/** @module ONNX export of the decoder's forward pass (for onnxruntime checks and serving). */
export { exportDecoderOnnx, ONNX_OPSET } from "./export.js";
export { writeDecoderOnnx } from "./write.js";
