/** @module The scenario file (JSON): its zod schema, and parsing with errors that name the path of the bad field. */
import { z } from "zod";
import { parsePrefix } from "../../../shared/flow/ip.js";

export const ROLES = ["web", "dns-resolver", "ntp", "mail", "gaming", "end-user", "idle"] as const;
export type Role = (typeof ROLES)[number];

export const ATTACK_TYPES = ["dns-amplification", "ntp-amplification", "udp-flood", "syn-flood", "tcp-reflection", "carpet-bombing"] as const;
export type AttackType = (typeof ATTACK_TYPES)[number];
/** The vectors a carpet-bombing attack may spread over its prefix. */
export const CARPET_VECTORS = ["dns-amplification", "ntp-amplification", "udp-flood", "syn-flood", "tcp-reflection"] as const;

const ipv4Prefix = z.string().refine((s) => {
  const p = parsePrefix(s);
  return !("error" in p) && p.prefix.family === 4;
}, "must be an IPv4 prefix in CIDR form without host bits, e.g. 198.51.100.0/24");

const ipv4Address = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, "must be a dotted IPv4 address").refine((s) => {
  const p = parsePrefix(s);
  return !("error" in p) && p.prefix.family === 4;
}, "must be a valid IPv4 address");

/** A time: an ISO 8601 instant, or minutes after the scenario's start. */
const when = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);

const node = z
  .strictObject({
    role: z.enum(ROLES),
    /** how many nodes of this role (addresses assigned in order from the customer's prefixes) */
    count: z.number().int().positive().max(65536).default(1),
    /** a fixed address (then count must be 1) */
    address: ipv4Address.optional(),
    /** multiplies this node's volume */
    scale: z.number().positive().max(1e4).default(1),
  })
  .refine((n) => n.address === undefined || n.count === 1, { message: "a node with an address must have count 1", path: ["count"] });

const customer = z.strictObject({
  name: z.string().min(1).max(64),
  prefixes: z.array(ipv4Prefix).min(1),
  nodes: z.array(node).min(1),
});

const maintenance = z.strictObject({
  /** local weekday, 0 = Monday */
  weekday: z.number().int().min(0).max(6),
  /** local start, minutes after midnight */
  startMinute: z.number().int().min(0).max(1439),
  durationMinutes: z.number().int().positive().max(1440),
  /** traffic multiplier during the window */
  level: z.number().min(0).max(1).default(0.05),
});

/** Where replayed attack traffic comes from: the flows of a real flow-export capture (`replay-source.ts`). */
const replay = z.strictObject({
  /** an export pcap (NetFlow v5/v9/IPFIX datagrams), relative to --captures DIR (default ../shared/data/external), or absolute */
  capture: z.string().min(1),
  /** the attack's victim in the capture: its inbound flows are replayed, re-addressed to the scenario's victim */
  captureVictim: ipv4Address,
  /** repeat the (re-timed) capture back to back over the attack's duration */
  loop: z.boolean().default(false),
  /** stretch (> 1) or compress (< 1) the capture's timeline */
  timeScale: z.number().positive().max(1e4).default(1),
  /** multiplies each replayed flow's packets and bytes (rounded; at least 1 packet) */
  intensityScale: z.number().positive().max(1e4).default(1),
  /** keep only flows of these IP protocols (default all) */
  protocols: z.array(z.number().int().min(0).max(255)).min(1).optional(),
  /** keep only flows from these source ports, plus port-0 rows (non-first fragments; default all) */
  srcPorts: z.array(z.number().int().min(0).max(65535)).min(1).optional(),
  /** "keep" the capture's source addresses (those inside the tenant's prefixes are still remapped), or map every one into "test-range" 198.18.0.0/15 (RFC 2544) */
  sourceAddresses: z.enum(["keep", "test-range"]).default("keep"),
});
export type ReplaySettings = z.output<typeof replay>;

const attack = z
  .strictObject({
    type: z.enum(ATTACK_TYPES),
    /** an address, or for carpet-bombing a prefix (each address in it is a victim) */
    victim: z.string(),
    onset: when,
    rampUpMinutes: z.number().int().nonnegative().max(1440).default(2),
    durationMinutes: z.number().int().positive().max(14 * 1440),
    /** packets per second at full strength (all victims together); required unless the attack replays a capture */
    intensityPps: z.number().positive().max(1e8).optional(),
    /** spread thinly: many sources, small flows, a ramp over the whole duration */
    lowAndSlow: z.boolean().default(false),
    /** the service port a syn-flood targets (default 443) */
    port: z.number().int().min(1).max(65535).optional(),
    /** carpet-bombing: the vector used against each victim (default dns-amplification) */
    vector: z.enum(CARPET_VECTORS).optional(),
    /** attack sources: reflectors or spoofed addresses (default 2000, 20000 when low and slow) */
    sources: z.number().int().positive().max(1e6).optional(),
    /** cap on exported flows per minute (default 3000) */
    maxFlowsPerMinute: z.number().int().positive().max(1e6).default(3000),
    /** replay a real capture's attack flows instead of the model (the type still labels it) */
    replay: replay.optional(),
  })
  .superRefine((a, ctx) => {
    const p = parsePrefix(a.victim);
    if ("error" in p || p.prefix.family !== 4) ctx.addIssue({ code: "custom", path: ["victim"], message: "must be an IPv4 address or prefix" });
    else if (a.type !== "carpet-bombing" && p.prefix.length !== 32) ctx.addIssue({ code: "custom", path: ["victim"], message: "only carpet-bombing takes a prefix; give one address" });
    else if (a.type === "carpet-bombing" && p.prefix.length < 16) ctx.addIssue({ code: "custom", path: ["victim"], message: "carpet-bombing prefix must be /16 or longer" });
    if (a.vector !== undefined && a.type !== "carpet-bombing") ctx.addIssue({ code: "custom", path: ["vector"], message: "vector is only for carpet-bombing" });
    if (a.replay === undefined && a.intensityPps === undefined) ctx.addIssue({ code: "custom", path: ["intensityPps"], message: "required (unless the attack has replay)" });
    if (a.replay !== undefined && a.type === "carpet-bombing") ctx.addIssue({ code: "custom", path: ["replay"], message: "replay needs one victim address; carpet-bombing cannot replay a capture" });
  });

export const scenarioSchema = z.strictObject({
  name: z.string().max(128).optional(),
  seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** ISO 8601 instant; whole minutes */
  start: z.iso.datetime({ offset: true }),
  duration: z.union([z.strictObject({ minutes: z.number().int().positive().max(366 * 1440) }), z.strictObject({ days: z.number().positive().max(366) })]),
  /** multiplies every node's flow rate */
  flowScale: z.number().positive().max(1e4).default(1),
  /** the exporter id written in every flow (its address is also the pcap source) */
  exporter: ipv4Address.default("192.0.2.1"),
  tenant: z.strictObject({
    name: z.string().min(1).max(64),
    /** local time = UTC + this; drives the diurnal and weekly cycles */
    utcOffsetMinutes: z.number().int().min(-720).max(840).default(0),
    /** per-role volume multipliers */
    roleScale: z.partialRecord(z.enum(ROLES), z.number().nonnegative().max(1e4)).default({}),
    /** inbound scanning SYNs per node per minute */
    scanPerMinute: z.number().nonnegative().max(1e4).default(0.5),
    maintenance: z.array(maintenance).default([]),
    customers: z.array(customer).min(1),
  }),
  attacks: z.array(attack).default([]),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioAttack = Scenario["attacks"][number];

/** A scenario file that does not validate; the message lists every problem with its field path. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
}

function pathText(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(root)" : path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
}

/** Validates a parsed JSON value. `source` (a file name) prefixes the message. */
export function parseScenario(value: unknown, source = "scenario"): Scenario {
  const result = scenarioSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${pathText(i.path)}: ${i.message}`);
    throw new ScenarioError(`${source}: invalid scenario\n${lines.join("\n")}`);
  }
  const s = result.data;
  if (Date.parse(s.start) % 60_000 !== 0) throw new ScenarioError(`${source}: invalid scenario\n  start: must be a whole minute`);
  return s;
}

/** Parses scenario JSON text. */
export function parseScenarioText(text: string, source = "scenario"): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`${source}: not valid JSON: ${(err as Error).message}`);
  }
  return parseScenario(value, source);
}
