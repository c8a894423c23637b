/** @module Multi-task fine-tuning on one frozen backbone: a survival head for all attacks, one per attack type, and the attack-type classifier, all reading the same hidden states. */
import type { Backend, TensorTypes } from "../../engine/kernels.js";
import { trainClassifier, type TrainClassifierOptions, type TypeClassifier } from "./classifier.js";
import { trainClassifierOn } from "./engine-classifier.js";
import { trainHeadOn } from "./engine-head.js";
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
 *   A type's attacks are few against all the non-attacks (10 % for a type with 20 of 180), and a
 *   head trained on that mix settles at the constant hazard of the base rate; so each attack is
 *   listed round(non-attacks / attacks) times (balanceAttacks), making the two classes weigh alike.
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
  /** repeat a type head's attacks until they weigh as much as its non-attacks (balanceAttacks; default true) */
  readonly balanceTypeHeads: boolean;
}

export const MULTITASK_DEFAULTS = { minAttacks: 5, balanceTypeHeads: true } as const;

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

/**
 * The examples with each attack (label 1) listed round(non-attacks / attacks) times (at least once),
 * in their order; non-attacks once. Oversampling, not loss weights: the trainers draw batches from the list.
 */
export function balanceAttacks(examples: readonly number[], labels: ArrayLike<number>): number[] {
  const attacks = examples.filter((n) => labels[n] === 1).length;
  const copies = attacks === 0 ? 1 : Math.max(1, Math.round((examples.length - attacks) / attacks));
  const out: number[] = [];
  for (const n of examples) for (let c = labels[n] === 1 ? copies : 1; c > 0; c--) out.push(n);
  return out;
}

/** What each head and the classifier are trained with (planMultiTask), run by trainMultiTask (plain JS) or trainMultiTaskOn (an engine backend). */
interface MultiTaskPlan {
  readonly types: string[];
  readonly heads: { name: string; options: Partial<TrainHeadOptions> }[];
  readonly classifier: { target: number[]; from: number[] } | null;
}

function planMultiTask(data: MultiTaskData, options: Partial<MultiTaskOptions>): MultiTaskPlan {
  const minAttacks = options.minAttacks ?? MULTITASK_DEFAULTS.minAttacks;
  const types = [...(options.types ?? headTypes(data, minAttacks))];
  const val = options.validation;
  const balance = options.balanceTypeHeads ?? MULTITASK_DEFAULTS.balanceTypeHeads;
  const heads = ["all", ...types].map((name) => {
    const subset = headExamples(data, name);
    const examples = name !== "all" && balance ? balanceAttacks(subset, data.labels) : subset;
    const validation = val === undefined ? undefined : { hidden: val.hidden, labels: val.labels, examples: headExamples(val, name) };
    return { name, options: { ...options.head, examples, ...(validation === undefined ? {} : { validation }) } };
  });
  const classifier = types.length >= 2 ? { target: data.types.map((t, n) => (data.labels[n] === 1 ? types.indexOf(t) : -1)), from: data.onsets.map((o) => o ?? 0) } : null;
  return { types, heads, classifier };
}

export function trainMultiTask(data: MultiTaskData, options: Partial<MultiTaskOptions> = {}): MultiTaskHeads {
  const plan = planMultiTask(data, options);
  const heads = new Map<string, TrainedHead>(plan.heads.map((h) => [h.name, trainHead(data.hidden, data.labels, h.options)]));
  const c = plan.classifier;
  const classifier: TypeClassifier | null = c === null ? null : trainClassifier({ hidden: data.hidden, ...c }, plan.types.length, options.classifier);
  return { heads, types: plan.types, classifier };
}

/** trainMultiTask with every head's and the classifier's MLP on `backend` (engine-head.ts, engine-classifier.ts). */
export async function trainMultiTaskOn<T extends TensorTypes>(backend: Backend<T>, data: MultiTaskData, options: Partial<MultiTaskOptions> = {}): Promise<MultiTaskHeads> {
  const plan = planMultiTask(data, options);
  const heads = new Map<string, TrainedHead>();
  for (const h of plan.heads) heads.set(h.name, await trainHeadOn(backend, data.hidden, data.labels, h.options));
  const c = plan.classifier;
  const classifier: TypeClassifier | null = c === null ? null : await trainClassifierOn(backend, { hidden: data.hidden, ...c }, plan.types.length, options.classifier);
  return { heads, types: plan.types, classifier };
}
