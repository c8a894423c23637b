/** @module A scenario compiled for generation: nodes with addresses and roles, attacks with resolved minutes and victims, the tenant's node set. */
import { formatIPv4, parseIPv4, parsePrefix } from "../../../shared/flow/ip.js";
import { NodeSet } from "../../../shared/features/nodes.js";
import { Rng } from "./rng.js";
import { ScenarioError, type AttackType, type ReplaySettings, type Role, type Scenario } from "./scenario.js";

export const MINUTE_MS = 60_000;
/** Latest start offset within a minute: replies start up to 40 ms after their request and must stay in the minute. */
export const LAST_START_MS = MINUTE_MS - 1000;

export interface SynthNode {
  index: number;
  /** the address as a u32: the node's random streams are keyed by it, so adding nodes leaves others' traffic unchanged */
  key: number;
  address: string;
  role: Role;
  customer: string;
  /** node scale × role scale × flow scale */
  scale: number;
  /** slow drift of volume, log-scale per day */
  driftPerDay: number;
}

export interface CompiledAttack {
  index: number;
  type: AttackType;
  /** the vector actually sent (carpet-bombing resolves to its vector) */
  vector: Exclude<AttackType, "carpet-bombing">;
  /** the victim as written (an address, or a prefix for carpet-bombing) */
  victim: string;
  victims: string[];
  onsetMinute: number;
  endMinute: number;
  rampUpMinutes: number;
  intensityPps: number;
  lowAndSlow: boolean;
  port: number;
  sources: number;
  maxFlowsPerMinute: number;
  /** replay a capture instead of the model (`replay-source.ts`); null for modelled attacks */
  replay: ReplaySettings | null;
}

export interface World {
  scenario: Scenario;
  seed: number;
  /** epoch minutes of the first and one past the last generated minute */
  startMinute: number;
  endMinute: number;
  utcOffsetMinutes: number;
  nodes: SynthNode[];
  attacks: CompiledAttack[];
  nodeSet: NodeSet;
  exporterId: string;
  /** where relative `replay.capture` paths resolve (undefined: ../shared/data/external beside the checkout) */
  capturesDir: string | undefined;
}

/** Overrides from the command line (scale knobs). */
export interface WorldOverrides {
  seed?: number;
  minutes?: number;
  /** multiplies every node group's count (rounded up) */
  nodesScale?: number;
  /** multiplies the scenario's flowScale */
  flowScale?: number;
  /** directory for relative replay capture paths (`--captures DIR`) */
  capturesDir?: string;
}

function prefixHosts(prefix: string): { first: number; count: number } {
  const p = parsePrefix(prefix);
  if ("error" in p) throw new ScenarioError(p.error);
  const len = p.prefix.length;
  const size = 2 ** (32 - len);
  // skip network and broadcast addresses when the prefix has them
  return len >= 31 ? { first: p.prefix.words[0], count: size } : { first: p.prefix.words[0] + 1, count: size - 2 };
}

export function compileWorld(scenario: Scenario, overrides: WorldOverrides = {}): World {
  const seed = overrides.seed ?? scenario.seed;
  const startMinute = Date.parse(scenario.start) / MINUTE_MS;
  const minutes = overrides.minutes ?? ("minutes" in scenario.duration ? scenario.duration.minutes : Math.round(scenario.duration.days * 1440));
  const flowScale = scenario.flowScale * (overrides.flowScale ?? 1);
  const nodes: SynthNode[] = [];
  const taken = new Set<string>();
  const entries: { prefix: string; customer: string }[] = [];
  scenario.tenant.customers.forEach((c, ci) => {
    for (const prefix of c.prefixes) entries.push({ prefix, customer: c.name });
    const pools = c.prefixes.map(prefixHosts);
    let pool = 0;
    let offset = 0;
    const nextAddress = (): string => {
      for (;;) {
        const p = pools[pool];
        if (p === undefined) throw new ScenarioError(`tenant.customers[${ci}] (${c.name}): its prefixes have too few addresses for its nodes`);
        if (offset >= p.count) {
          pool++;
          offset = 0;
          continue;
        }
        const text = formatIPv4((p.first + offset++) >>> 0);
        if (!taken.has(text)) return text;
      }
    };
    for (const n of c.nodes) if (n.address !== undefined) taken.add(n.address);
    c.nodes.forEach((n) => {
      const count = n.address !== undefined ? 1 : Math.ceil(n.count * (overrides.nodesScale ?? 1));
      for (let k = 0; k < count; k++) {
        const address = n.address ?? nextAddress();
        taken.add(address);
        const index = nodes.length;
        const roleScale = scenario.tenant.roleScale[n.role] ?? 1;
        const key = parseIPv4(address)!;
        nodes.push({ index, key, address, role: n.role, customer: c.name, scale: n.scale * roleScale * flowScale, driftPerDay: 0.01 * Rng.of(seed, 0xd21f7, key).normal() });
      }
    });
  });
  const nodeSet = new NodeSet(entries);
  const attacks = scenario.attacks.map((a, index): CompiledAttack => {
    const onsetMinute = typeof a.onset === "number" ? startMinute + a.onset : Math.floor(Date.parse(a.onset) / MINUTE_MS);
    const p = parsePrefix(a.victim);
    if ("error" in p) throw new ScenarioError(`attacks[${index}].victim: ${p.error}`);
    const victims = a.type === "carpet-bombing" ? hostsOf(p.prefix.words[0], p.prefix.length) : [a.victim];
    const vector = a.type === "carpet-bombing" ? (a.vector ?? "dns-amplification") : a.type;
    return {
      index,
      type: a.type,
      vector,
      victim: a.victim,
      victims,
      onsetMinute,
      endMinute: onsetMinute + a.durationMinutes,
      rampUpMinutes: a.lowAndSlow ? a.durationMinutes : a.rampUpMinutes,
      intensityPps: a.intensityPps ?? 0,
      lowAndSlow: a.lowAndSlow,
      port: a.port ?? 443,
      sources: a.sources ?? (a.lowAndSlow ? 20_000 : 2_000),
      maxFlowsPerMinute: a.maxFlowsPerMinute,
      replay: a.replay ?? null,
    };
  });
  return {
    scenario,
    seed,
    startMinute,
    endMinute: startMinute + minutes,
    utcOffsetMinutes: scenario.tenant.utcOffsetMinutes,
    nodes,
    attacks,
    nodeSet,
    exporterId: `${scenario.exporter}/0`,
    capturesDir: overrides.capturesDir,
  };
}

function hostsOf(first: number, length: number): string[] {
  const { first: f, count } = length >= 31 ? { first, count: 2 ** (32 - length) } : { first: first + 1, count: 2 ** (32 - length) - 2 };
  return Array.from({ length: count }, (_, i) => formatIPv4((f + i) >>> 0));
}
