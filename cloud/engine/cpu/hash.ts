/** @module lowbias32, the 32-bit mix of the shared dropout hash (kernels.ts keeps it private): the cpu backend premixes the seed on the host and mixes seedMix + i in WASM. */

/** The same u32 operations as `mix32` in cloud/engine/kernels.ts; dropoutHash(seed, i) = lowbias32(lowbias32(seed) + i). */
export function lowbias32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
