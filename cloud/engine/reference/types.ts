/** @module The array type of the reference kernels: float32 storage in the engine, float64 in the gradient checks. */

/** A flat float buffer; the reference kernels accept both widths (a Kernels method takes Float32Array). */
export type Arr = Float32Array | Float64Array;

/** Reads a[i]; the index is in range by the kernel's loop bounds (noUncheckedIndexedAccess). */
export function at(a: ArrayLike<number>, i: number): number {
  return a[i] as number;
}
