/** @module Multi-task fine-tuning on one frozen backbone: a survival head for all attacks, one per attack type, and the attack-type classifier, all reading the same hidden states. */
import { trainClassifier, type TrainClassifierOptions, type TypeClassifier } from "./classifier.js";
import type { HiddenStates } from "./hidden.js";
import { type TrainedHead, trainHead, type TrainHeadOptions } from "./train.js";

/**
 * Which examples train which head (our choice; docs/detection.md):
 * - head "all": every example (attacks of any type c = 1, non-attacks c = 0).
 * - head of type k: attacks of type k (c = 1) and EVERY non-attack example (c = 0), whichever
 *   alert it was paired with (a non-attack window is attack-free, so it is a true negative for any
 *   type). Attacks of the other types are LEFT OUT, not used as negatives: DNS and NTP amplification
 *   and UDP floods all arrive as inbound UDP bytes, so calling a UDP flood "no attack" for the DNS
 *   head would teach that head to miss attacks on features the types share, and the question
 *   "which type?" belongs to the classifier. At detection time any head firing is an attack.
 * - the classifier: the attack examples' minutes from their onset on (classifier.ts), K = the types.
 */
export interface MultiTaskData {
  readonly hidden: HiddenStates;
  /** (N) 1 attack, 0 not */
  readonly labels: ArrayLike<number>;
  /** (N) the alert's attack type (non-attacks carry their partner's; it is not used for them) */
  readonly types: readonly string[];
  /** (N) window-relative CUSUM onset of attack examples (null for non-attacks) */
  readonly onsets: readonly (number | null)[];
}

export interface MultiTaskOptions {
  /** the types that get a head (default: every type with ≥ minAttacks attack examples, sorted) */
  readonly types?: readonly string[];
  readonly minAttacks: number;
  readonly head: Partial<TrainHeadOptions>;
  readonly classifier: Partial<TrainClassifierOptions>;
  /** scored for early stopping of each head (the same subset rule applies) */
  readonly validation?: MultiTaskData;
}

export const MULTITASK_DEFAULTS = { minAttacks: 5 } as const;

export interface MultiTaskHeads {
  /** head names: "all", then the types */
  readonly heads: ReadonlyMap<string, TrainedHead>;
  /** the classifier's class order */
  readonly types: readonly string[];
  /** null with fewer than two types */
  readonly classifier: TypeClassifier | null;
}

/** The attack types with at least `minAttacks` attack examples, sorted. */
export function headTypes(data: Pick<MultiTaskData, "labels" | "types">, minAttacks: number): string[] {
  const count = new Map<string, number>();
  data.types.forEach((t, n) => {
    if (data.labels[n] === 1) count.set(t, (count.get(t) ?? 0) + 1);
  });
  return [...count.entries()].filter(([, c]) => c >= minAttacks).map(([t]) => t).sort();
}

/** The training examples of a head: "all", or a type (its attacks and every non-attack). */
export function headExamples(data: Pick<MultiTaskData, "labels" | "types">, head: string): number[] {
  const out: number[] = [];
  for (let n = 0; n < data.types.length; n++) {
    if (head === "all" || data.labels[n] !== 1 || data.types[n] === head) out.push(n);
  }
  return out;
}

export function trainMultiTask(data: MultiTaskData, options: Partial<MultiTaskOptions> = {}): MultiTaskHeads {
  const minAttacks = options.minAttacks ?? MULTITASK_DEFAULTS.minAttacks;
  const types = [...(options.types ?? headTypes(data, minAttacks))];
  const heads = new Map<string, TrainedHead>();
  const val = options.validation;
  for (const name of ["all", ...types]) {
    const examples = headExamples(data, name);
    const validation = val === undefined ? undefined : { hidden: val.hidden, labels: val.labels, examples: headExamples(val, name) };
    heads.set(name, trainHead(data.hidden, data.labels, { ...options.head, examples, ...(validation === undefined ? {} : { validation }) }));
  }
  let classifier: TypeClassifier | null = null;
  if (types.length >= 2) {
    const target = data.types.map((t, n) => (data.labels[n] === 1 ? types.indexOf(t) : -1));
    const from = data.onsets.map((o) => o ?? 0);
    classifier = trainClassifier({ hidden: data.hidden, target, from }, types.length, options.classifier);
  }
  return { heads, types, classifier };
}
