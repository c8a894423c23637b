/** @module Memory operations of the backends whose tensors are host typed arrays (reference, cpu): views, copies, reads. */
import { VIEW_ALIGN, type Backend, type HostTensors } from "./kernels.js";

type HostMemory = Omit<Backend<HostTensors>, "name" | "kernels" | "alloc" | "allocU8" | "allocI32" | "dispose">;

/** The memory half of a host backend; allocation stays with each backend (plain arrays or WASM memory). */
export const hostMemory: HostMemory = {
  view(buf, offset, n) {
    if (offset % VIEW_ALIGN !== 0) throw new RangeError(`view offset ${offset} is not a multiple of ${VIEW_ALIGN}`);
    if (offset < 0 || offset + n > buf.length) throw new RangeError(`view [${offset}, ${offset + n}) is outside a buffer of ${buf.length}`);
    return buf.subarray(offset, offset + n);
  },
  length: (buf) => buf.length,
  write: (dst, src) => dst.set(src),
  writeU8: (dst, src) => dst.set(src),
  writeI32: (dst, src) => dst.set(src),
  zero: (buf) => buf.fill(0),
  read: async (buf) => buf.slice(),
  readU8: async (buf) => buf.slice(),
  sync: async () => {},
};
