/** @module Table 4 on real traffic, step 1: the CESNET dataset (40 complete IPs for training, other IPs seen only in the test range) built on the native 10-minute step. */
import { readArchiveDir, gatherSeries, nativeAxis } from "../data/dataset/series.js";
import { buildDataset, writeDataset } from "../data/dataset/build.js";

/** Steps of 10 minutes: 28 weeks train, 2 weeks val (end of the first 30 weeks), the rest test. */
export const WEEK_STEPS = 7 * 144;
export const TRAIN_STEPS = 28 * WEEK_STEPS;
export const VAL_STEPS = 2 * WEEK_STEPS;

/** Fractions giving exactly `train` and `val` steps of T with the builder's floor rule. */
export function exactFractions(T: number, train: number, val: number): [number, number, number] {
  const a = (train + 0.5) / T;
  const ab = (train + val + 0.5) / T;
  return [a, ab - a, 1 - ab];
}

async function main(argv: string[]): Promise<void> {
  const [trainDir, unseenDir, outDir, windowText] = argv;
  if (trainDir === undefined || unseenDir === undefined || outDir === undefined) throw new Error("usage: table4-real-data.ts TRAIN_ARCHIVES UNSEEN_ARCHIVES OUT [WINDOW]");
  const window = Number(windowText ?? 512);
  const train = readArchiveDir(trainDir).rows;
  const axis = nativeAxis(train, 10);
  const T = axis.length;
  const testStart = axis[TRAIN_STEPS + VAL_STEPS]!;
  // the other IPs keep only their test-range rows: no row in train or val, so the builder treats
  // them as unseen nodes (paper §7.1) and maps them to the nearest training node
  const unseen = readArchiveDir(unseenDir).rows.filter((r) => r.minute >= testStart);
  const data = gatherSeries([...train, ...unseen], undefined, { stepMinutes: 10 });
  if (data.axis?.length !== T) throw new Error(`axis of ${data.axis?.length} steps, expected ${T}`);
  const fractions = exactFractions(T, TRAIN_STEPS, VAL_STEPS);
  const build = buildDataset(data, { window, fractions, source: { kind: "archives", dirs: [trainDir, unseenDir], unseenFrom: new Date(testStart * 60_000).toISOString(), stepMinutes: 10 } });
  writeDataset(outDir, build);
  for (const s of build.splits) console.log(`${s.range.name.padEnd(5)} ${new Date(s.range.startMinute * 60_000).toISOString()} .. ${new Date(s.range.endMinute * 60_000).toISOString()}  nodes ${s.nodes}  windows ${s.windows.length}`);
  for (const u of build.unseen) console.log(`unseen ${u.node} → ${u.mappedTo} (L1 ${u.distance.toFixed(3)}, signature from ${u.signatureSplit})`);
  console.log(`steps ${T}, train nodes ${build.trainNodes.length}, unseen ${build.unseen.length}, written to ${outDir}`);
}

await main(process.argv.slice(2));
