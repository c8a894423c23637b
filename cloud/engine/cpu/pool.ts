/** @module The cpu backend's threads: the main thread plus kept-alive workers over the shared memory, one job at a time, woken by Atomics.notify and awaited with Atomics.wait. */
import { Worker } from "node:worker_threads";

// control words, shared with worker.mjs
const GEN = 0;
const DONE = 1;
const FN = 2;
const QUIT = 3;
const ERROR = 4;
const ACTIVE = 8;
/** Arguments per thread in the shared argument block. */
const MAX_ARGS = 24;

type WasmFn = (...args: number[]) => unknown;

export interface Pool {
  /** Threads in all, the main thread included. */
  readonly threads: number;
  /**
   * Runs export `fn` once per entry of `args` (at most `threads`): entry 0 on the main thread, the
   * others on workers; returns when all have finished.
   */
  run(fn: string, args: number[][]): void;
  dispose(): void;
}

/** Starts `threads − 1` workers on the compiled module and waits until each has instantiated it. */
export async function createPool(module: WebAssembly.Module, memory: WebAssembly.Memory, main: WebAssembly.Exports, threads: number, relaxed: boolean): Promise<Pool> {
  const names = WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name);
  const fnId = new Map(names.map((n, i) => [n, i]));
  const mainFns = new Map(names.map((n) => [n, main[n] as WasmFn]));
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * (ACTIVE + threads)));
  const argsBuf = new SharedArrayBuffer(8 * MAX_ARGS * threads);
  const argv = new Float64Array(argsBuf);
  const errors: string[] = [];
  const workers: Worker[] = [];
  for (let i = 1; i < threads; i++) {
    const w = new Worker(new URL("./worker.mjs", import.meta.url), {
      workerData: { module, memory, ctrlBuf: ctrl.buffer, argsBuf, index: i, names, maxArgs: MAX_ARGS, relaxed },
    });
    w.unref();
    w.on("message", (m: unknown) => {
      if (m !== "ready") errors.push(String(m));
    });
    workers.push(w);
  }
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: unknown): void => {
            if (m === "ready") {
              w.off("error", reject);
              resolve();
            }
          };
          w.on("message", onMessage);
          w.once("error", reject);
        }),
    ),
  );
  let disposed = false;
  return {
    threads,
    run(fn, args) {
      const f = mainFns.get(fn);
      const id = fnId.get(fn);
      if (f === undefined || id === undefined) throw new Error(`no kernel export ${fn}`);
      if (disposed) throw new Error("the cpu backend was disposed");
      const first = args[0];
      if (first === undefined) return;
      if (args.length > threads) throw new RangeError(`${args.length} parts for ${threads} threads`);
      if (args.length === 1) {
        f(...first);
        return;
      }
      for (let i = 1; i < threads; i++) {
        const a = args[i];
        Atomics.store(ctrl, ACTIVE + i, a === undefined ? 0 : 1);
        if (a !== undefined) argv.set(a, i * MAX_ARGS);
      }
      Atomics.store(ctrl, FN, id);
      Atomics.store(ctrl, DONE, 0);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      try {
        f(...first);
      } finally {
        // even when the main part traps, the workers finish before the next job reuses the control block
        const n = threads - 1;
        let spins = 0;
        for (let d = Atomics.load(ctrl, DONE); d < n; d = Atomics.load(ctrl, DONE)) {
          if (++spins > 2000) Atomics.wait(ctrl, DONE, d, 1000);
        }
      }
      if (Atomics.load(ctrl, ERROR) !== 0) {
        Atomics.store(ctrl, ERROR, 0);
        throw new Error(`a cpu worker failed in ${fn}${errors.length > 0 ? `: ${errors.join("\n")}` : ""}`);
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      Atomics.store(ctrl, QUIT, 1);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      for (const w of workers) void w.terminate();
    },
  };
}
