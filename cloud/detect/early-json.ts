/** @module Reading the EarlyDetect examples (earlydetect.json, cloud/data/dataset) into the metrics' form: label, type, window-relative onset, per-minute anomalous and normal bytes. */
import * as z from "zod";
import { type EvalExample, type PreparedExample, prepareExample } from "./metrics.js";

/** The fields of an earlydetect.json record the detection code reads (the file has more). */
const RecordSchema = z.object({
  id: z.number().int().nonnegative(),
  split: z.enum(["train", "val", "test"]),
  label: z.union([z.literal(0), z.literal(1)]),
  type: z.string().min(1),
  node: z.string(),
  startMinute: z.number().int(),
  length: z.number().int().positive(),
  onsetMinute: z.number().int().nullable(),
  anomalousBytes: z.array(z.number()),
  normalBytes: z.array(z.number()),
});
const FileSchema = z.object({ format: z.literal("netflowgen.earlydetect"), version: z.literal(1), examples: z.array(RecordSchema) });

export type EarlyRecord = z.infer<typeof RecordSchema>;

/** Validates earlydetect.json's parsed value. */
export function parseEarlyDetect(value: unknown): EarlyRecord[] {
  const r = FileSchema.safeParse(value);
  if (!r.success) throw new RangeError(`earlydetect.json: ${r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  for (const e of r.data.examples) {
    if (e.anomalousBytes.length !== e.length || e.normalBytes.length !== e.length) throw new RangeError(`earlydetect.json: example ${e.split}/${e.id} has byte series of the wrong length`);
    if (e.label === 1 && e.onsetMinute === null) throw new RangeError(`earlydetect.json: attack example ${e.split}/${e.id} has no onset`);
  }
  return r.data.examples;
}

/** One split's records in the order of its early-<split>.windows.bin (their id). */
export function splitRecords(records: readonly EarlyRecord[], split: EarlyRecord["split"]): EarlyRecord[] {
  const out = records.filter((r) => r.split === split).sort((a, b) => a.id - b.id);
  out.forEach((r, i) => {
    if (r.id !== i) throw new RangeError(`earlydetect.json: ${split} ids are not 0..${out.length - 1} (found ${r.id} at ${i})`);
  });
  return out;
}

/** The metrics' view of a record: onset relative to the window's start. */
export function evalExample(r: EarlyRecord): EvalExample {
  return { label: r.label, type: r.type, onset: r.onsetMinute === null ? null : r.onsetMinute - r.startMinute, anomalousBytes: r.anomalousBytes, normalBytes: r.normalBytes };
}

export function prepareRecords(records: readonly EarlyRecord[]): PreparedExample[] {
  return records.map((r) => prepareExample(evalExample(r)));
}
