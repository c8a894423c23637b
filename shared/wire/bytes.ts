/** @module Bounds-checked little-endian cursors over bytes (DataView only, Workers-safe). */
import { wireError } from "./errors.js";

/** Accepts any byte container a caller may hold (Uint8Array, Buffer, other views, ArrayBuffer). */
export type BytesLike = Uint8Array | ArrayBuffer | ArrayBufferView;

/** A Uint8Array over the same memory as `input` (no copy); anything else is `invalid_value`. */
export function asBytes(input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw wireError("invalid_value", "expected bytes (Uint8Array, ArrayBuffer or an ArrayBufferView)");
}

/**
 * Reads little-endian values from `[start, end)` of a byte array. Every read checks the bounds
 * first and throws `WireFormatError("truncated")`, so a decoder never sees a RangeError.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private pos: number;
  private readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws `truncated` unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw wireError("truncated", `${what}: need ${n} bytes at offset ${this.pos}, have ${this.end - this.pos}`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f32(what: string): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A view (no copy) of the next `n` bytes. */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Unchecked accessors for hot loops: the caller has already called `need` for the whole block. */
  get dataView(): DataView {
    return this.view;
  }

  skip(n: number, what: string): number {
    this.need(n, what);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** Throws `length_mismatch` when bytes are left after the payload structure. */
  expectEnd(what: string): void {
    if (this.pos !== this.end) {
      throw wireError("length_mismatch", `${what}: ${this.end - this.pos} unexpected trailing bytes`);
    }
  }
}

/** Writes little-endian values into a buffer sized up front (sizes are computed before encoding). */
export class ByteWriter {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  private pos = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  get offset(): number {
    return this.pos;
  }

  u8(v: number): void {
    this.view.setUint8(this.pos, v);
    this.pos += 1;
  }

  u16(v: number): void {
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v: number): void {
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  i32(v: number): void {
    this.view.setInt32(this.pos, v, true);
    this.pos += 4;
  }

  f32(v: number): void {
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  f64(v: number): void {
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  raw(bytes: Uint8Array): void {
    this.bytes.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Reserves `n` bytes for a hot loop that writes through `view`; returns their start offset. */
  skip(n: number): number {
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** The encoded bytes; asserts the precomputed size was exact (a bug otherwise). */
  finish(): Uint8Array {
    if (this.pos !== this.bytes.length) {
      throw new Error(`internal: wrote ${this.pos} of ${this.bytes.length} bytes`);
    }
    return this.bytes;
  }
}
