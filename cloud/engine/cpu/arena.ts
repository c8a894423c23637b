/** @module The cpu backend's memory: one shared WebAssembly.Memory with a bump allocator (256-byte aligned, zero-filled, never freed), growing on demand. */

const PAGE = 65536;
/** Allocation alignment in bytes: VIEW_ALIGN floats. */
const ALIGN = 256;
/** Bytes kept free past the last allocation: kernels may read (never write) a few floats past a buffer's end. */
const SLACK = 256;

export interface Arena {
  readonly memory: WebAssembly.Memory;
  /** Byte address of a fresh zero-filled block of `bytes` (address 0 is never returned: it stands for null). */
  alloc(bytes: number): number;
  f32(n: number): Float32Array;
  u8(n: number): Uint8Array;
  i32(n: number): Int32Array;
  /** The byte address of a view into this memory; throws for any other array. */
  addr(a: Float32Array | Uint8Array | Int32Array): number;
  /** Bytes handed out so far. */
  used(): number;
}

/** A shared memory of `initialMiB`, growable to `maxMiB` (shared memories need a maximum). */
export function createArena(initialMiB = 16, maxMiB = 4095): Arena {
  const memory = new WebAssembly.Memory({ initial: Math.ceil((initialMiB * 1048576) / PAGE), maximum: Math.floor((maxMiB * 1048576) / PAGE), shared: true });
  // growing a shared memory gives memory.buffer a new SharedArrayBuffer object over the same bytes; views
  // made before stay valid (their buffer object keeps its old length), so each buffer object seen is recorded
  const buffers = new WeakSet<ArrayBufferLike>([memory.buffer]);
  let top = ALIGN;
  const buffer = (): ArrayBufferLike => {
    const b = memory.buffer;
    buffers.add(b);
    return b;
  };
  const alloc = (bytes: number): number => {
    if (!(bytes >= 0) || !Number.isInteger(bytes)) throw new RangeError(`cannot allocate ${bytes} bytes`);
    const at = top;
    top += Math.ceil(bytes / ALIGN) * ALIGN;
    const need = top + SLACK - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / PAGE));
    return at;
  };
  return {
    memory,
    alloc,
    // alloc first: it may grow the memory, and only the buffer object taken after that spans the new block
    f32(n) {
      const at = alloc(4 * n);
      return new Float32Array(buffer(), at, n);
    },
    u8(n) {
      const at = alloc(n);
      return new Uint8Array(buffer(), at, n);
    },
    i32(n) {
      const at = alloc(4 * n);
      return new Int32Array(buffer(), at, n);
    },
    addr(a) {
      if (!buffers.has(a.buffer)) throw new TypeError("the cpu backend got an array that is not one of its own buffers (allocate it with backend.alloc*)");
      return a.byteOffset;
    },
    used: () => top,
  };
}
