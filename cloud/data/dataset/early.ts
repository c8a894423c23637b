/** @module EarlyDetect examples (PAPER-NOTES §7, Table 2): per attack alert an attack window and a quiet window of the same node in the same split, the onset by CUSUM on the attack's matching traffic, and per-minute anomalous and normal bytes for the §8 metrics. */
/**
 * Definitions (also in cloud/data/dataset/README.md; keep the two in step):
 *
 * - Alert minute a = ⌊alertMs / 60 000⌋; the split is the one holding a. The attack window is the
 *   W minutes ending at a + tail (tail = `alertTailMinutes`, default 0: the window ends with the
 *   alert minute). If it would start before its split, it is moved to start at the split's start
 *   (so it ends after the alert); if it then passes the split's end, or the labelled onset lies
 *   before the window, the alert is skipped with a reason. A window never straddles a split boundary.
 * - Matching traffic m_t (bytes per minute of the victim): DNS and NTP amplification and UDP floods →
 *   `proto_udp_in_byt` (the reflected responses come from port 53/123 to the victim's ephemeral
 *   ports, and DNS's non-first fragments carry no ports, so the port features would miss part of
 *   it; the UDP protocol class catches all of it); SYN floods and TCP reflection →
 *   `proto_tcp_in_byt`; any other type → `volume_in_byt`.
 * - Onset: CUSUM (cloud/data/cusum.ts: k = 0.5σ, h = 8σ, clip 4σ, σ = max(1.4826·MAD,
 *   (q90 − q50)/1.2816, 0.5), onset refined by maximum likelihood) on log1p(m_t). The search starts
 *   at s = max(30, a − searchMinutes) (window-relative; `searchMinutes` default 60, longer than the
 *   simulator's latest alert delay of 45 min); μ, σ come from the up to `baselineMinutes`
 *   (default 120) points before s. The onset is the first minute of the run of positive S that
 *   crossed h, moved forward to the likelihood-maximizing change point. No alarm → the labelled
 *   onset is used and `onsetSource` is "label".
 * - Anomalous bytes: with b = the median of m_t over the up to `baselineMinutes` minutes before the
 *   onset (0 when the onset is the window's first minute), anomalous_t = max(0, m_t − b) for
 *   t ≥ onset and 0 before. All bytes all_t = `volume_in_byt` (inbound: what a mitigation of the
 *   victim acts on); normal_t = all_t − anomalous_t. So A = Σ anomalous_t, and for a detection at d,
 *   B = Σ_{t≥d} anomalous_t, C = Σ_{t≥d} normal_t, effectiveness B/A, overhead C / Σ all_t.
 * - Non-attack window: the same node, the same split, W minutes with no overlap with any labelled
 *   attack on that node widened by `quietMarginMinutes` (default 30) on both sides, in which the node
 *   has at least one archive row, not used before for this node; candidates every ⌈W/8⌉ minutes
 *   from the split's start, one drawn with a PRNG seeded by (seed, attack index). None → the attack
 *   example stays and the pair is recorded as unpaired. anomalous_t = 0, normal_t = all_t.
 * - Carpet bombing (victim an IPv4 prefix): the victims are the nodes of the data inside the prefix
 *   whose matching bytes over [labelled onset, min(labelled end, window end)) exceed
 *   `carpetRiseFactor` (default 2) × the median of their own m_t over the up to `baselineMinutes`
 *   window minutes before the labelled onset × the interval's length (and are > 0); ranked by
 *   that excess (descending, ties by node text), at most `carpetMaxVictims` (default 8). A node with
 *   no archive row in those baseline minutes (an unused address that shows up only under the
 *   attack, as the simulator's carpet spreads over the whole prefix) is not a victim. Each gets
 *   an attack example with the alert's window (the same for all), its own CUSUM onset, and a
 *   non-attack partner by the rule above (quiet windows also avoid every prefix label covering the
 *   node; the k-th victim uses the PRNG's (k+1)-th draw); all carry the label's type and index.
 *   No node in the prefix, or none that rose → skipped with a reason. An alert is listed as unpaired
 *   when any of its victims has no partner.
 * - Victims that are not nodes of the data (and prefixes that are not IPv4) are skipped.
 */
import { parseIPv4, parsePrefix, wordMask } from "../../../shared/flow/ip.js";
import * as z from "zod";
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";
import { cusum, logBytes, median } from "../cusum.js";
import { presentIn, type GatheredSeries, type NodeSeries } from "./series.js";
import { splitOf, type SplitName, type SplitRange } from "./split.js";

const MINUTE_MS = 60_000;

/** The part of an attack label the builder needs (the simulator's labels JSON has more). */
export interface AttackLabelInput {
  readonly index: number;
  readonly type: string;
  readonly vector?: string | undefined;
  readonly victim: string;
  readonly onsetMs: number;
  readonly endMs: number;
  readonly alertMs: number;
}

const LabelsSchema = z.object({
  attacks: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      type: z.string().min(1),
      vector: z.string().optional(),
      victim: z.string().min(1),
      onsetMs: z.number().int(),
      endMs: z.number().int(),
      alertMs: z.number().int(),
    }),
  ),
});

/** Validates a labels JSON value (the simulator's FILE.labels.json shape; extra fields are ignored). */
export function parseLabels(value: unknown): AttackLabelInput[] {
  const r = LabelsSchema.safeParse(value);
  if (!r.success) throw new RangeError(`labels: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data.attacks;
}

export function matchingFeature(vectorOrType: string): string {
  switch (vectorOrType) {
    case "dns-amplification":
    case "ntp-amplification":
    case "udp-flood":
      return "proto_udp_in_byt";
    case "syn-flood":
    case "tcp-reflection":
      return "proto_tcp_in_byt";
    default:
      return "volume_in_byt";
  }
}

export interface EarlyOptions {
  readonly window: number;
  readonly seed: number;
  readonly alertTailMinutes?: number;
  readonly searchMinutes?: number;
  readonly baselineMinutes?: number;
  readonly quietMarginMinutes?: number;
  /** carpet bombing: a node in the prefix is a victim when its matching bytes over the attack rise above this many times its pre-onset median per minute */
  readonly carpetRiseFactor?: number;
  /** carpet bombing: at most this many victims (the most affected) per alert */
  readonly carpetMaxVictims?: number;
}

export const EARLY_DEFAULTS = { alertTailMinutes: 0, searchMinutes: 60, baselineMinutes: 120, quietMarginMinutes: 30, minBaseline: 30, carpetRiseFactor: 2, carpetMaxVictims: 8 } as const;

export interface EarlyExample {
  /** position in this split's early file */
  readonly id: number;
  readonly split: SplitName;
  /** 1 = attack, 0 = non-attack */
  readonly label: 0 | 1;
  readonly attackIndex: number;
  readonly type: string;
  readonly vector: string;
  readonly node: string;
  readonly startMinute: number;
  readonly length: number;
  readonly matchingFeature: string;
  /** attack examples only (null otherwise), epoch minutes */
  readonly alertMinute: number | null;
  readonly labelOnsetMinute: number | null;
  readonly onsetMinute: number | null;
  readonly onsetSource: "cusum" | "label" | null;
  readonly cusum: { mu: number; sigma: number; k: number; h: number; baselineMinutes: number; searchStartMinute: number; alarmMinute: number | null } | null;
  /** (length,) per minute */
  readonly anomalousBytes: number[];
  readonly normalBytes: number[];
}

export interface EarlySkip {
  readonly attackIndex: number;
  readonly reason: string;
}

export interface EarlyResult {
  readonly examples: EarlyExample[];
  readonly skipped: EarlySkip[];
  /** attack indices whose attack example has no non-attack partner */
  readonly unpaired: number[];
}

/** mulberry32 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** "a.b.c.d/len" → network and length; null if not an IPv4 prefix. */
export function parseIpv4Prefix(text: string): { net: number; bits: number } | null {
  const parsed = parsePrefix(text);
  if ("error" in parsed || parsed.prefix.family !== 4) return null;
  return { net: parsed.prefix.words[0], bits: parsed.prefix.length };
}

/** Is the address inside the prefix? (not an IPv4 address → false) */
export function ipv4InPrefix(address: string, prefix: { net: number; bits: number }): boolean {
  const a = parseIPv4(address);
  return a !== null && (a & wordMask(prefix.bits, 0)) >>> 0 === prefix.net;
}

/** Does a label's victim (an address, or a prefix for carpet bombing) cover the node? */
function victimCovers(victim: string, node: string): boolean {
  if (victim === node) return true;
  if (!victim.includes("/")) return false;
  const p = parseIpv4Prefix(victim);
  return p !== null && ipv4InPrefix(node, p);
}

function column(s: NodeSeries, feature: number, from: number, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) out[t] = s.counters[(from + t) * FEATURE_COUNT + feature]!;
  return out;
}

/** Builds the EarlyDetect examples. Window starts are epoch minutes; `ranges` are the dataset's splits. */
export function buildEarlyDetect(data: GatheredSeries, ranges: readonly SplitRange[], labels: readonly AttackLabelInput[], options: EarlyOptions): EarlyResult {
  const W = options.window;
  const tail = options.alertTailMinutes ?? EARLY_DEFAULTS.alertTailMinutes;
  const searchMinutes = options.searchMinutes ?? EARLY_DEFAULTS.searchMinutes;
  const baselineMinutes = options.baselineMinutes ?? EARLY_DEFAULTS.baselineMinutes;
  const margin = options.quietMarginMinutes ?? EARLY_DEFAULTS.quietMarginMinutes;
  const nodes = new Map(data.nodes.map((n) => [n.node, n]));
  const S0 = data.startMinute;
  const allIn = featureIndex("volume_in_byt");
  const examples: EarlyExample[] = [];
  const skipped: EarlySkip[] = [];
  const unpaired: number[] = [];
  const used = new Set<string>();
  const perSplit = new Map<SplitName, number>();
  const nextId = (split: SplitName) => {
    const id = perSplit.get(split) ?? 0;
    perSplit.set(split, id + 1);
    return id;
  };
  const sorted = [...labels].sort((a, b) => a.alertMs - b.alertMs || a.index - b.index);
  const riseFactor = options.carpetRiseFactor ?? EARLY_DEFAULTS.carpetRiseFactor;
  const maxVictims = options.carpetMaxVictims ?? EARLY_DEFAULTS.carpetMaxVictims;
  for (const l of sorted) {
    const vector = l.vector ?? l.type;
    const skip = (reason: string) => skipped.push({ attackIndex: l.index, reason });
    const carpet = l.victim.includes("/");
    let prefix: { net: number; bits: number } | null = null;
    if (carpet) {
      prefix = parseIpv4Prefix(l.victim);
      if (prefix === null) {
        skip("victim prefix is not an IPv4 prefix");
        continue;
      }
    } else if (!nodes.has(l.victim)) {
      skip("victim is not a node of the data");
      continue;
    }
    const alert = Math.floor(l.alertMs / MINUTE_MS);
    const labelOnset = Math.floor(l.onsetMs / MINUTE_MS);
    const split = splitOf(ranges, alert);
    if (split === undefined) {
      skip("alert outside the data's time range");
      continue;
    }
    let start = alert + 1 + tail - W;
    if (start < split.startMinute) start = split.startMinute;
    if (start + W > split.endMinute) {
      skip(`the ${split.name} split is too short for a ${W}-minute window around the alert`);
      continue;
    }
    if (labelOnset < start) {
      skip("labelled onset before the window");
      continue;
    }
    const feature = matchingFeature(vector);
    const fi = featureIndex(feature);
    const rel = start - S0;
    let victims: NodeSeries[];
    if (prefix === null) {
      victims = [nodes.get(l.victim)!];
    } else {
      const p = prefix;
      const inside = data.nodes.filter((n) => ipv4InPrefix(n.node, p));
      if (inside.length === 0) {
        skip("no node of the data inside the victim prefix");
        continue;
      }
      // rise of the matching traffic over [labelled onset, window end) against the node's own pre-onset median
      const onsetRel = labelOnset - start;
      const endRel = Math.min(W, Math.max(onsetRel + 1, Math.ceil(l.endMs / MINUTE_MS) - start));
      const scored: { s: NodeSeries; excess: number }[] = [];
      for (const n of inside) {
        // an address with no row before the onset (unused, seen only under the attack) has no baseline nor quiet window
        if (!presentIn(n, rel + Math.max(0, onsetRel - baselineMinutes), rel + onsetRel)) continue;
        const m = column(n, fi, rel, W);
        const pre = m.subarray(Math.max(0, onsetRel - baselineMinutes), onsetRel);
        const level = pre.length > 0 ? median(pre) : 0;
        let sum = 0;
        for (let t = onsetRel; t < endRel; t++) sum += m[t]!;
        const expected = riseFactor * level * (endRel - onsetRel);
        if (sum > 0 && sum > expected) scored.push({ s: n, excess: sum - expected });
      }
      if (scored.length === 0) {
        skip("no node inside the victim prefix (with rows before the onset) received more matching traffic during the attack");
        continue;
      }
      scored.sort((a, b) => b.excess - a.excess || (a.s.node < b.s.node ? -1 : a.s.node > b.s.node ? 1 : 0));
      victims = scored.slice(0, maxVictims).map((x) => x.s);
    }
    let anyUnpaired = false;
    for (let rank = 0; rank < victims.length; rank++) {
      const s = victims[rank]!;
      const m = column(s, fi, rel, W);
      const all = column(s, allIn, rel, W);
      // CUSUM onset
      const alertRel = alert - start;
      const searchStart = Math.min(W - 1, Math.max(EARLY_DEFAULTS.minBaseline, alertRel - searchMinutes));
      const b0 = Math.max(0, searchStart - baselineMinutes);
      const r = cusum(logBytes(m.subarray(b0)), searchStart - b0);
      let onsetRel: number;
      let source: "cusum" | "label";
      if (r.alarm >= 0) {
        onsetRel = r.onset + b0;
        source = "cusum";
      } else {
        onsetRel = labelOnset - start;
        source = "label";
      }
      const pre = m.subarray(Math.max(0, onsetRel - baselineMinutes), onsetRel);
      const level = pre.length > 0 ? median(pre) : 0;
      const anomalous: number[] = [];
      const normal: number[] = [];
      for (let t = 0; t < W; t++) {
        const a = t >= onsetRel ? Math.max(0, m[t]! - level) : 0;
        anomalous.push(a);
        normal.push(Math.max(0, all[t]! - a));
      }
      examples.push({
        id: nextId(split.name),
        split: split.name,
        label: 1,
        attackIndex: l.index,
        type: l.type,
        vector,
        node: s.node,
        startMinute: start,
        length: W,
        matchingFeature: feature,
        alertMinute: alert,
        labelOnsetMinute: labelOnset,
        onsetMinute: start + onsetRel,
        onsetSource: source,
        cusum: { mu: r.mu, sigma: r.sigma, k: r.k, h: r.h, baselineMinutes: searchStart - b0, searchStartMinute: start + searchStart, alarmMinute: r.alarm >= 0 ? start + b0 + r.alarm : null },
        anomalousBytes: anomalous,
        normalBytes: normal,
      });
      used.add(`${s.node}@${start}`);
      // the non-attack partner
      const busy = labels
        .filter((o) => victimCovers(o.victim, s.node))
        .map((o) => [Math.floor(o.onsetMs / MINUTE_MS) - margin, Math.ceil(o.endMs / MINUTE_MS) + margin] as const);
      const step = Math.max(1, Math.ceil(W / 8));
      const candidates: number[] = [];
      for (let c = split.startMinute; c + W <= split.endMinute; c += step) {
        if (busy.some(([a, b]) => c < b && c + W > a)) continue;
        if (used.has(`${s.node}@${c}`) || !presentIn(s, c - S0, c - S0 + W)) continue;
        candidates.push(c);
      }
      if (candidates.length === 0) {
        anyUnpaired = true;
        continue;
      }
      const draw = prng((options.seed * 0x9e3779b1) ^ (l.index + 1));
      for (let i = 0; i < rank; i++) draw();
      const c = candidates[Math.floor(draw() * candidates.length)]!;
      used.add(`${s.node}@${c}`);
      const qAll = column(s, allIn, c - S0, W);
      examples.push({
        id: nextId(split.name),
        split: split.name,
        label: 0,
        attackIndex: l.index,
        type: l.type,
        vector,
        node: s.node,
        startMinute: c,
        length: W,
        matchingFeature: feature,
        alertMinute: null,
        labelOnsetMinute: null,
        onsetMinute: null,
        onsetSource: null,
        cusum: null,
        anomalousBytes: new Array<number>(W).fill(0),
        normalBytes: Array.from(qAll),
      });
    }
    if (anyUnpaired) unpaired.push(l.index);
  }
  return { examples, skipped, unpaired };
}
