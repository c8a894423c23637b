/** @module A small ONNX graph builder over onnx-proto (protobufjs): nodes with unique output names, float32/int64 initializers, typed inputs and outputs. */
import onnxProto from "onnx-proto";

export const onnx = onnxProto.onnx;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

/** One dimension of a graph input/output: a fixed size or a symbolic name ("B", "T"). */
export type Dim = number | string;

/** An attribute value: int, float, ints, or a tensor (e.g. ConstantOfShape's value). */
export type AttrValue = { i: number } | { f: number } | { ints: number[] } | { t: TensorProto };

function attribute(name: string, v: AttrValue): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ("i" in v) return { name, type: T.INT, i: v.i };
  if ("f" in v) return { name, type: T.FLOAT, f: v.f };
  if ("ints" in v) return { name, type: T.INTS, ints: v.ints };
  return { name, type: T.TENSOR, t: v.t };
}

/** Little-endian bytes of a typed array (a copy, so a view into a larger buffer exports only itself). */
function bytesOf(a: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

/** A float32 tensor proto. */
export function f32Tensor(name: string, dims: number[], data: Float32Array): TensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new RangeError(`tensor ${name}: ${data.length} values for dims [${dims.join(", ")}]`);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytesOf(data) };
}

/** An int64 tensor proto. */
export function i64Tensor(name: string, dims: number[], data: readonly number[]): TensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: bytesOf(BigInt64Array.from(data, (x) => BigInt(x))) };
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** Accumulates nodes and initializers; `op` returns the (unique) name of the node's output. */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private count = 0;

  private fresh(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  /** A node with one output (named `out` if given). */
  op(type: string, inputs: string[], attrs: Record<string, AttrValue> = {}, out?: string): string {
    return this.opN(type, inputs, 1, attrs, out === undefined ? undefined : [out])[0]!;
  }

  /** A node with n outputs. */
  opN(type: string, inputs: string[], n: number, attrs: Record<string, AttrValue> = {}, outs?: string[]): string[] {
    const output = outs ?? Array.from({ length: n }, () => this.fresh(type));
    const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ opType: type, name: this.fresh(`n_${type}`), input: inputs, output, attribute: attribute_ });
    return output;
  }

  /** A float32 initializer. */
  f32(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push(f32Tensor(name, dims, data));
    return name;
  }

  /** A float32 scalar constant (dims []). */
  scalar(value: number): string {
    return this.f32(this.fresh("const_f"), [], Float32Array.of(value));
  }

  /** An int64 constant. */
  i64(dims: number[], data: readonly number[]): string {
    const name = this.fresh("const_i");
    this.initializers.push(i64Tensor(name, dims, data));
    return name;
  }

  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** The serialized ModelProto (IR 8, default domain at the given opset). */
  encode(graphName: string, opset: number, docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: "", version: opset }],
      producerName: "netflowgen",
      producerVersion: "1",
      docString,
      graph: { name: graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
