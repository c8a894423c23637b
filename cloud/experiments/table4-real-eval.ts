/** @module Table 4 on real traffic, step 3: a checkpoint and the bigram on the same targets of one split (test by default), seen vs unseen nodes, all and available features. */
import { writeFileSync } from "node:fs";
import { openBackend } from "../train/backends.js";
import { Bigram } from "../train/bigram.js";
import { loadSplit } from "../train/data.js";
import { engineModelFactory } from "../train/engine-model.js";
import { evalBatches, evalSubset } from "../train/eval-batches.js";
import { evaluateSplit, type GroupResult } from "../train/eval-split.js";
import { segmentsOf } from "../train/segments.js";

const f4 = (x: number) => x.toFixed(4);

async function main(argv: string[]): Promise<void> {
  const [dir, ckpt, outJson, split = "test", maxText] = argv;
  if (dir === undefined || ckpt === undefined || outJson === undefined) throw new Error("usage: table4-real-eval.ts DATASET CHECKPOINT OUT.json [SPLIT] [MAX_WINDOWS]");
  const t0 = performance.now();
  const { data, windows: all } = loadSplit(dir, split);
  const windows = evalSubset(all, maxText === undefined ? undefined : Number(maxText));
  const step = data.stepMinutes ?? 1;
  const bigram = new Bigram();
  for (const s of segmentsOf(data.train, data.window, step)) bigram.addRun(s.bins, s.length);
  const backend = await openBackend("cpu", { threads: 1 });
  const config = await engineModelFactory.checkpointConfig(ckpt);
  const evalT = Math.min(config.maxT, data.window - 1);
  const batch = 16;
  const { model, position } = await engineModelFactory.resume(backend, ckpt, { maxB: batch, maxT: evalT });
  const group = (node: number) => (data.nodes[node]!.inTrain ? "seen" : "unseen");
  let last = 0;
  const results = await evaluateSplit(
    { model, windows, nodes: data.nodes, W: data.window, batches: evalBatches(windows, data.nodes, data.window, evalT, batch, data.utcOffsetMinutes, step), bigram, group },
    (done) => {
      if (done - last >= 160) console.error(`  ${(last = done)} chunks, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    },
  );
  model.dispose();
  backend.dispose();
  const wallS = (performance.now() - t0) / 1000;
  const row = (name: string, m: { loss: number; ppl: number; accuracy: number }) => `  ${name.padEnd(8)} ${f4(m.loss).padStart(8)} ${f4(m.ppl).padStart(9)} ${f4(m.accuracy).padStart(7)}`;
  for (const [g, r] of Object.entries(results) as [string, GroupResult][]) {
    for (const which of ["available", "all"] as const) {
      console.log(`${split} ${g}, ${which} features: ${r.windows} windows of ${r.nodes} nodes, ${r.decoder[which].targets} targets`);
      console.log(`  ${"".padEnd(8)} ${"loss".padStart(8)} ${"PPL".padStart(9)} ${"acc".padStart(7)}`);
      console.log(row("decoder", r.decoder[which]));
      console.log(row("bigram", r.bigram[which]));
    }
  }
  console.log(`checkpoint step ${position.step}; ${windows.length} windows; ${wallS.toFixed(1)} s`);
  writeFileSync(outJson, `${JSON.stringify({ dataset: dir, checkpoint: ckpt, step: position.step, split, windows: windows.length, window: data.window, stepMinutes: step, evalT, wallS, results }, null, 2)}\n`);
}

await main(process.argv.slice(2));
