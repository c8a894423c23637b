/** @module The statistics tables of a built dataset, in the layout of paper Table 1 (nodes, time range, minutes, windows per split) and Table 2 (EarlyDetect examples per split and attack type). */
import { earlyCounts, type DatasetBuild } from "./build.js";
import { SPLITS } from "./split.js";

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const day = (minute: number) => new Date(minute * 60_000).toISOString().slice(0, 16).replace("T", " ");

/** Table 1: per split the nodes with windows, the time range (UTC), minutes and windows; then the total. */
export function table1(b: DatasetBuild): string {
  const rows = b.splits.map((s) => [s.range.name, String(s.nodes), `${day(s.range.startMinute)} .. ${day(s.range.endMinute)}`, String(s.range.endMinute - s.range.startMinute), String(s.windows.length)]);
  rows.push(["total", String(b.data.nodes.length), `${day(b.data.startMinute)} .. ${day(b.data.endMinute)}`, String(b.data.endMinute - b.data.startMinute), String(b.splits.reduce((n, s) => n + s.windows.length, 0))]);
  const title = `Table 1. Dataset statistics (window ${b.window} min, stride ${b.stride}; split ${b.fractions.join("/")} by time, UTC; ${b.unseen.length} unseen node(s) mapped)`;
  return `${title}\n${table(["split", "nodes", "time range (UTC)", "minutes", "windows"], rows)}`;
}

/** Table 2: EarlyDetect examples per split: total, attacks, non-attacks, attacks per type. */
export function table2(b: DatasetBuild): string {
  if (b.early === null) return "Table 2. EarlyDetect: no labels given";
  const examples = b.early.examples;
  const types = [...new Set(examples.filter((e) => e.label === 1).map((e) => e.type))].sort();
  const rows = SPLITS.map((split) => {
    const c = earlyCounts(examples, split);
    return [split, String(c.examples), String(c.attacks), String(c.nonAttacks), ...types.map((t) => String(c.byType[t] ?? 0))];
  });
  const total = earlyCounts(examples.map((e) => ({ ...e, split: "train" as const })), "train");
  rows.push(["total", String(total.examples), String(total.attacks), String(total.nonAttacks), ...types.map((t) => String(total.byType[t] ?? 0))]);
  const onsets = examples.filter((e) => e.label === 1);
  const byCusum = onsets.filter((e) => e.onsetSource === "cusum").length;
  const notes = [
    `onsets: ${byCusum} of ${onsets.length} from CUSUM, the rest from the label`,
    `skipped alerts: ${b.early.skipped.length}${b.early.skipped.length > 0 ? ` (${b.early.skipped.map((s) => `#${s.attackIndex}: ${s.reason}`).join("; ")})` : ""}`,
    `unpaired attacks (no quiet window): ${b.early.unpaired.length}`,
  ];
  return `Table 2. EarlyDetect examples (${b.window}-minute series; attacks per type)\n${table(["split", "examples", "attacks", "non-attacks", ...types], rows)}\n${notes.join("\n")}`;
}
