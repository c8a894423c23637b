/** @module The benchmarked kernel calls at the paper's shapes (BT = 8·512 = 4096, C = 128, 86 × 10 heads; attention B=8 T=512 NH=4): FLOP counts as documented in cloud/engine/kernels.ts. */
import type { Backend, HostTensors } from "../../cloud/engine/kernels.js";
import { mulberry32 } from "../../cloud/engine/rng.js";

export interface BenchCase {
  name: string;
  flops: number;
  /** Allocates and fills the operands on a backend, returns the call to time. */
  setup(backend: Backend<HostTensors>): () => void;
}

const [B, T, C, NH, NF, V, NTIME] = [8, 512, 128, 4, 86, 10, 4];
const BT = B * T;

function filled(backend: Backend<HostTensors>, n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = mulberry32(seed);
  const a = backend.alloc(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

function matmul(Cin: number, OC: number): BenchCase[] {
  const shape = `BT=${BT} C=${Cin} OC=${OC}`;
  return [
    {
      name: `matmul fwd ${shape}`,
      flops: 2 * BT * Cin * OC,
      setup(be) {
        const [out, inp, w, b] = [be.alloc(BT * OC), filled(be, BT * Cin, 1), filled(be, OC * Cin, 2, -0.1, 0.1), filled(be, OC, 3)];
        return () => be.kernels.matmulForward(out, inp, w, b, BT, Cin, OC);
      },
    },
    {
      name: `matmul bwd ${shape}`,
      flops: 4 * BT * Cin * OC + BT * OC,
      setup(be) {
        const [dinp, dw, db, dout, inp, w] = [be.alloc(BT * Cin), be.alloc(OC * Cin), be.alloc(OC), filled(be, BT * OC, 4), filled(be, BT * Cin, 1), filled(be, OC * Cin, 2)];
        return () => be.kernels.matmulBackward(dinp, dw, db, dout, inp, w, BT, Cin, OC);
      },
    },
  ];
}

const attentionFlops = 2 * B * T * (T + 1) * C;

export const benchCases: BenchCase[] = [
  ...matmul(C, 3 * C),
  ...matmul(C, C),
  ...matmul(C, 4 * C),
  ...matmul(4 * C, C),
  ...matmul(C, NF * V),
  {
    name: `attention fwd B=${B} T=${T} C=${C} NH=${NH}`,
    flops: attentionFlops,
    setup(be) {
      const [out, att, qkv] = [be.alloc(BT * C), be.alloc(B * NH * T * T), filled(be, BT * 3 * C, 5)];
      return () => be.kernels.attentionForward(out, null, att, qkv, B, T, C, NH);
    },
  },
  {
    name: `attention bwd B=${B} T=${T} C=${C} NH=${NH}`,
    flops: 2 * attentionFlops,
    setup(be) {
      const [out, att, qkv] = [be.alloc(BT * C), be.alloc(B * NH * T * T), filled(be, BT * 3 * C, 5)];
      be.kernels.attentionForward(out, null, att, qkv, B, T, C, NH);
      const [dqkv, dpre, datt, dout] = [be.alloc(BT * 3 * C), be.alloc(B * NH * T * T), be.alloc(B * NH * T * T), filled(be, BT * C, 6)];
      return () => be.kernels.attentionBackward(dqkv, dpre, datt, dout, qkv, att, B, T, C, NH);
    },
  },
  {
    name: `layernorm fwd BT=${BT} C=${C}`,
    flops: 8 * BT * C,
    setup(be) {
      const [out, mean, rstd, inp, w, b] = [be.alloc(BT * C), be.alloc(BT), be.alloc(BT), filled(be, BT * C, 7), filled(be, C, 8), filled(be, C, 9)];
      return () => be.kernels.layernormForward(out, mean, rstd, inp, w, b, BT, C);
    },
  },
  {
    name: `layernorm bwd BT=${BT} C=${C}`,
    flops: 14 * BT * C,
    setup(be) {
      const [out, mean, rstd, inp, w, b] = [be.alloc(BT * C), be.alloc(BT), be.alloc(BT), filled(be, BT * C, 7), filled(be, C, 8), filled(be, C, 9)];
      be.kernels.layernormForward(out, mean, rstd, inp, w, b, BT, C);
      const [dinp, dw, db, dout] = [be.alloc(BT * C), be.alloc(C), be.alloc(C), filled(be, BT * C, 10)];
      return () => be.kernels.layernormBackward(dinp, dw, db, dout, inp, w, mean, rstd, BT, C);
    },
  },
  {
    name: `gelu fwd N=${BT * 4 * C}`,
    flops: 10 * BT * 4 * C,
    setup(be) {
      const [out, inp] = [be.alloc(BT * 4 * C), filled(be, BT * 4 * C, 11, -4, 4)];
      return () => be.kernels.geluForward(out, inp, BT * 4 * C);
    },
  },
  {
    name: `gelu bwd N=${BT * 4 * C}`,
    flops: 18 * BT * 4 * C,
    setup(be) {
      const [dinp, inp, dout] = [be.alloc(BT * 4 * C), filled(be, BT * 4 * C, 11, -4, 4), filled(be, BT * 4 * C, 12)];
      return () => be.kernels.geluBackward(dinp, inp, dout, BT * 4 * C);
    },
  },
  {
    name: `crossEntropy fwd BT=${BT} ${NF}x${V}`,
    flops: 5 * BT * NF * V,
    setup(be) {
      const [losses, probs, logits, targets] = [be.alloc(BT * NF), be.alloc(BT * NF * V), filled(be, BT * NF * V, 13, -5, 5), be.allocU8(BT * NF)];
      const r = mulberry32(14);
      for (let i = 0; i < BT * NF; i++) targets[i] = Math.floor(r() * V);
      return () => be.kernels.crossEntropyForward(losses, probs, logits, targets, BT, NF, V);
    },
  },
  {
    name: `crossEntropy bwd BT=${BT} ${NF}x${V}`,
    flops: 2 * BT * NF * V,
    setup(be) {
      const [dlogits, probs, targets] = [be.alloc(BT * NF * V), filled(be, BT * NF * V, 15, 0, 0.2), be.allocU8(BT * NF)];
      return () => be.kernels.crossEntropyBackward(dlogits, probs, targets, 1 / (BT * NF), BT, NF, V);
    },
  },
  {
    name: `embedding fwd BT=${BT} C=${C} ${NF}+${NTIME}+3 rows`,
    flops: (NF + NTIME + 3) * BT * C,
    setup(be) {
      const { out, args } = embeddingOperands(be);
      return () => be.kernels.embeddingForward(out, args.bins, args.time, args.node, args.customer, args.wInp, args.bias, args.wPos, args.wNode, args.wCust, B, T, C, NF, V, NTIME);
    },
  },
  {
    name: `embedding bwd BT=${BT} C=${C} ${NF}+${NTIME}+3 rows`,
    flops: (NF + NTIME + 3) * BT * C,
    setup(be) {
      const { out, args } = embeddingOperands(be);
      return () => be.kernels.embeddingBackward(args.wInp, args.bias, args.wPos, args.wNode, args.wCust, out, args.bins, args.time, args.node, args.customer, B, T, C, NF, V, NTIME);
    },
  },
  {
    name: `residual fwd N=${BT * C}`,
    flops: BT * C,
    setup(be) {
      const [out, a, b] = [be.alloc(BT * C), filled(be, BT * C, 16), filled(be, BT * C, 17)];
      return () => be.kernels.residualForward(out, a, b, BT * C);
    },
  },
  {
    name: `dropout fwd N=${BT * C}`,
    flops: BT * C,
    setup(be) {
      const [out, mask, inp] = [be.alloc(BT * C), be.allocU8(BT * C), filled(be, BT * C, 18)];
      return () => be.kernels.dropoutForward(out, mask, inp, BT * C, 0.3, 42);
    },
  },
  {
    name: `adamW N=1M`,
    flops: 14 * 1048576,
    setup(be) {
      const N = 1048576;
      const [p, g, m, v] = [filled(be, N, 19), filled(be, N, 20), be.alloc(N), be.alloc(N)];
      let t = 0;
      return () => be.kernels.adamWUpdate(p, g, m, v, N, 5e-4, 0.9, 0.999, 1e-8, 0, ++t);
    },
  },
];

function embeddingOperands(be: Backend<HostTensors>) {
  const r = mulberry32(21);
  const [bins, time, node, customer] = [be.allocU8(BT * NF), be.allocI32(BT * NTIME), be.allocI32(BT), be.allocI32(BT)];
  for (let i = 0; i < BT * NF; i++) bins[i] = Math.floor(r() * V);
  for (let i = 0; i < BT * NTIME; i++) time[i] = Math.floor(r() * 122);
  for (let i = 0; i < BT; i++) node[i] = Math.floor(r() * 8);
  const args = { bins, time, node, customer, wInp: filled(be, (NF * V + 122) * C, 22), bias: filled(be, C, 23), wPos: filled(be, T * C, 24), wNode: filled(be, 8 * C, 25), wCust: filled(be, C, 26) };
  return { out: filled(be, BT * C, 27), args };
}
