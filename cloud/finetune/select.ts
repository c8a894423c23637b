/** @module Picking the labelled examples of fine-tuning: N examples of a split, balanced between attacks and non-attacks, seeded; all of them (with a note) when the split has fewer. */
import { shuffle } from "../detect/head/hidden.js";
import type { EarlyRecord } from "../detect/early-json.js";
import { Mulberry32 } from "../engine/rng.js";

export interface Selection {
  /** indices into the split's records, ascending */
  readonly indices: number[];
  readonly attacks: number;
  readonly nonAttacks: number;
  /** why fewer than asked, or unbalanced; empty when exactly as asked */
  readonly notes: string[];
}

/**
 * ⌈N/2⌉ attacks and ⌊N/2⌋ non-attacks drawn without replacement (Fisher–Yates with Mulberry32(seed),
 * attacks first, then non-attacks from the same stream). A class with too few examples gives all it
 * has and the other class fills up the remainder where it can, so the total is min(N, available).
 */
export function selectLabelled(records: readonly EarlyRecord[], n: number, seed: number, split: string): Selection {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`labels must be a positive integer, got ${n}`);
  const rng = new Mulberry32(seed);
  const atk = shuffle(records.flatMap((r, i) => (r.label === 1 ? [i] : [])), () => rng.next());
  const non = shuffle(records.flatMap((r, i) => (r.label === 0 ? [i] : [])), () => rng.next());
  let a = Math.min(Math.ceil(n / 2), atk.length);
  let b = Math.min(n - a, non.length);
  a = Math.min(n - b, atk.length);
  b = Math.min(n - a, non.length);
  const notes: string[] = [];
  if (a + b < n) notes.push(`asked for ${n} labelled examples, the ${split} split has ${records.length} (${atk.length} attacks, ${non.length} non-attacks): using all ${a + b}`);
  else if (a !== Math.ceil(n / 2)) notes.push(`the ${split} split has ${atk.length} attacks and ${non.length} non-attacks: took ${a} attacks and ${b} non-attacks (not balanced)`);
  const indices = [...atk.slice(0, a), ...non.slice(0, b)].sort((x, y) => x - y);
  return { indices, attacks: a, nonAttacks: b, notes };
}
