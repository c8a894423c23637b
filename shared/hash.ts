/** @module Stable, synchronous, dependency-free hashing (FNV-1a 32-bit) for schema identifiers. */

const FNV_OFFSET_32 = 0x811c9dc5;
const FNV_PRIME_32 = 0x01000193;

/** FNV-1a over the UTF-8 bytes of `text`; returns an unsigned 32-bit integer. */
export function fnv1a32(text: string): number {
  const bytes = new TextEncoder().encode(text);
  let hash = FNV_OFFSET_32;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, FNV_PRIME_32);
  }
  return hash >>> 0;
}

/** Formats a 32-bit hash as 8 lowercase hex digits (the form used in JSON and logs). */
export function hashHex(hash: number): string {
  return (hash >>> 0).toString(16).padStart(8, "0");
}
