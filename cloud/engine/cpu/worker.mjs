/** @module A cpu-backend worker thread: instantiates the kernels over the shared memory, then runs jobs woken by Atomics.wait (plain JS, so it loads under node, tsx and vitest alike). */
import v8 from "node:v8";
import { parentPort, workerData } from "node:worker_threads";

// control words, shared with pool.ts
const GEN = 0;
const DONE = 1;
const FN = 2;
const QUIT = 3;
const ERROR = 4;
const ACTIVE = 8;

const { module, memory, ctrlBuf, argsBuf, index, names, maxArgs, relaxed } = workerData;
if (relaxed) v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
const instance = new WebAssembly.Instance(module, { env: { memory }, Math: { log: Math.log } });
const fns = names.map((n) => instance.exports[n]);
const ctrl = new Int32Array(ctrlBuf);
const args = new Float64Array(argsBuf);
const base = index * maxArgs;
parentPort.postMessage("ready");

let gen = 0;
for (;;) {
  Atomics.wait(ctrl, GEN, gen);
  gen = Atomics.load(ctrl, GEN);
  if (Atomics.load(ctrl, QUIT) !== 0) break;
  if (Atomics.load(ctrl, ACTIVE + index) !== 0) {
    try {
      const a = Array.from(args.subarray(base, base + maxArgs));
      fns[Atomics.load(ctrl, FN)](...a);
    } catch (e) {
      Atomics.store(ctrl, ERROR, 1);
      parentPort.postMessage(String(e && e.stack ? e.stack : e));
    }
  }
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
}
