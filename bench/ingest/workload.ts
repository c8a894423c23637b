/** @module bench/ingest workload: a deterministic (seeded) flow mix over a customer prefix set, encoded with our NetFlow v9 and IPFIX encoders. */
import { encodeIpfixMessages } from "../../edge/src/parsers/ipfix/encode.js";
import { encodeNetflowV9 } from "../../edge/src/parsers/netflow-v9/encode.js";
import { formatIPv4 } from "../../shared/flow/ip.js";
import type { FlowRecord } from "../../shared/flow/record.js";

/** Bump when the generator changes, so cached nfcapd captures of the old workload are not reused. */
export const WORKLOAD_VERSION = 1;

export interface WorkloadParams {
  flows: number;
  /** distinct source IPs (all nodes: inside the customer prefixes) */
  nodes: number;
  /** distinct destination IPs (remote, outside the customer prefixes); 1 mirrors the reference capture */
  dsts: number;
  /** the flows' end times spread over this many minutes, in time order */
  minutes: number;
  seed: number;
}

export interface Workload {
  params: WorkloadParams;
  /** CIDR prefixes with their customer, for the NodeSet */
  prefixes: { prefix: string; customer: string }[];
  /** distinct source / destination addresses actually drawn (what nfdump -A srcip / dstip should count) */
  distinctSrc: number;
  distinctDst: number;
  /** flows whose start and end fall in different minutes (split across minutes by the accumulator) */
  multiMinute: number;
  v9: Uint8Array[];
  ipfix: Uint8Array[];
  /** data records in the encodings (equal to params.flows) */
  records: number;
}

/** xorshift32, as in bench/shared: fixed and fast, so every run measures the same flows. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** Picks from weighted choices: [weight, value][] with weights summing to 1. */
function pick<T>(r: number, table: readonly (readonly [number, T])[]): T {
  let acc = 0;
  for (const [w, v] of table) {
    acc += w;
    if (r < acc) return v;
  }
  return table[table.length - 1]![1];
}

const ip = (a: number, b: number, c: number, d: number) => (((a << 24) | (b << 16) | (c << 8) | d) >>> 0);

/**
 * Customer prefixes: 24 customers with 1–3 prefixes each of mixed lengths (/16 … /24), so the node
 * matcher probes several prefix lengths per address, as with a real ISP's customer list.
 */
function customerPrefixes(r: () => number): { base: number; length: number; customer: string }[] {
  const out: { base: number; length: number; customer: string }[] = [];
  const lengths = [16, 18, 19, 20, 21, 22, 23, 24];
  let next = ip(10, 0, 0, 0); // carve from 10/8 upwards, aligned to each prefix's size
  for (let c = 0; c < 24; c++) {
    const count = 1 + Math.floor(r() * 3);
    for (let k = 0; k < count; k++) {
      const length = lengths[Math.floor(r() * lengths.length)]!;
      const size = 2 ** (32 - length);
      next = Math.ceil(next / size) * size;
      out.push({ base: next >>> 0, length, customer: `cust-${String(c).padStart(2, "0")}` });
      next += size;
    }
  }
  return out;
}

const TCP_FLAGS: readonly (readonly [number, number])[] = [
  [0.3, 0x1b], // FIN SYN PSH ACK: a whole short connection
  [0.2, 0x10], // ACK: long-lived middles
  [0.15, 0x18], // PSH ACK
  [0.1, 0x02], // SYN
  [0.05, 0x12], // SYN ACK
  [0.05, 0x04], // RST
  [0.04, 0x14], // RST ACK
  [0.03, 0x11], // FIN ACK
  [0.03, 0x19], // FIN PSH ACK
  [0.02, 0xc2], // ECN-capable SYN (counts as SYN)
  [0.03, 0x1f], // odd combination: in no flag feature
];

/** The flow mix: one outbound flow from `node` to `dst`, ending near `endMs`. */
function makeFlow(r: () => number, src: string, dst: string, endMs: number): FlowRecord {
  const p = r();
  let protocol: number;
  let srcPort = 0;
  let dstPort = 0;
  let tcpFlags = 0;
  let packets: number;
  let meanSize: number;
  const ephemeral = () => 32768 + Math.floor(r() * 28232); // Linux range: registered and private classes
  if (p < 0.7) {
    protocol = 6;
    if (r() < 0.45) {
      // the node serves: web, mail, ssh, alt-http
      srcPort = pick(r(), [[0.55, 443], [0.25, 80], [0.08, 22], [0.05, 25], [0.07, 8080]] as const);
      dstPort = ephemeral();
    } else {
      srcPort = ephemeral();
      dstPort = pick(r(), [[0.6, 443], [0.2, 80], [0.2, 1024 + Math.floor(r() * 64511)]] as const);
    }
    tcpFlags = pick(r(), TCP_FLAGS);
    packets = tcpFlags === 0x02 || tcpFlags === 0x04 || tcpFlags === 0xc2 ? 1 + Math.floor(r() * 3) : 2 + Math.floor(-Math.log(1 - r()) * 40);
    meanSize = 60 + r() * 1200;
  } else if (p < 0.95) {
    protocol = 17;
    const kind = r();
    if (kind < 0.35) [srcPort, dstPort] = [53, ephemeral()]; // resolver answers (reflection-shaped)
    else if (kind < 0.5) [srcPort, dstPort] = [ephemeral(), 53];
    else if (kind < 0.6) [srcPort, dstPort] = [123, 123];
    else if (kind < 0.85) [srcPort, dstPort] = [ephemeral(), 443]; // QUIC
    else [srcPort, dstPort] = [ephemeral(), ephemeral()];
    packets = 1 + Math.floor(-Math.log(1 - r()) * 6);
    meanSize = 80 + r() * 900;
  } else if (p < 0.98) {
    protocol = 1; // ICMP: type·256 + code in the destination port, as exporters do
    dstPort = pick(r(), [[0.45, 0x0800], [0.35, 0x0000], [0.15, 0x0303], [0.05, 0x0b00]] as const);
    packets = 1 + Math.floor(r() * 5);
    meanSize = 84;
  } else {
    protocol = r() < 0.6 ? 47 : 50; // GRE, ESP: no ports
    packets = 1 + Math.floor(-Math.log(1 - r()) * 200);
    meanSize = 200 + r() * 1200;
  }
  packets = Math.min(packets, 1_000_000);
  const bytes = Math.max(packets * 28, Math.round(packets * meanSize));
  // durations: mostly sub-second, some seconds, 5% long (up to a 300 s active timeout): those span minutes
  const d = r();
  const duration = packets === 1 ? 0 : d < 0.7 ? Math.floor(r() * 1000) : d < 0.95 ? 1000 + Math.floor(r() * 29_000) : 30_000 + Math.floor(r() * 270_000);
  return { startMs: endMs - duration, endMs, src, dst, srcPort, dstPort, protocol, tcpFlags, packets, bytes, samplingRate: 1, exporterId: "127.0.0.1/0" };
}

const CHUNK_FLOWS = 50_000;

/**
 * Builds the workload: `flows` outbound flows from `nodes` customer IPs (heavy-tailed popularity,
 * every node drawn at least once with overwhelming probability) to `dsts` remote IPs, ending in time
 * order over `minutes` minutes (with sub-second jitter, as an exporter's cache expiry gives), encoded
 * in chunks of CHUNK_FLOWS as one exporter would stream them: NetFlow v9 (source id 0, templates at the
 * start of each chunk, a fixed boot time) and IPFIX (domain 0, millisecond times, continuing sequence).
 */
export function buildWorkload(params: WorkloadParams): Workload {
  const r = rng(params.seed);
  const blocks = customerPrefixes(r);
  const prefixes = blocks.map((b) => ({ prefix: `${formatIPv4(b.base)}/${b.length}`, customer: b.customer }));
  const totalSize = blocks.reduce((n, b) => n + 2 ** (32 - b.length), 0);
  if (params.nodes > totalSize / 2) throw new RangeError(`--nodes ${params.nodes}: the customer prefixes hold ${totalSize} addresses`);

  // Nodes: distinct addresses, a prefix chosen in proportion to its size, then a random host in it.
  const nodeSet = new Set<number>();
  const nodes: string[] = [];
  while (nodes.length < params.nodes) {
    let x = Math.floor(r() * totalSize);
    let b = blocks[0]!;
    for (const blk of blocks) {
      const size = 2 ** (32 - blk.length);
      if (x < size) {
        b = blk;
        break;
      }
      x -= size;
    }
    const addr = (b.base + Math.floor(r() * 2 ** (32 - b.length))) >>> 0;
    if (nodeSet.has(addr)) continue;
    nodeSet.add(addr);
    nodes.push(formatIPv4(addr));
  }
  // Remote destinations: in 198.18.0.0/15 (benchmarking space), never a node.
  const dsts: string[] = [];
  for (let i = 0; i < params.dsts; i++) dsts.push(formatIPv4((ip(198, 18, 0, 1) + i) >>> 0));

  const start = Date.UTC(2026, 2, 2, 10, 0, 0);
  const span = params.minutes * 60_000;
  const uptimeBaseMs = start - 3_600_000; // the exporter booted an hour before the first flow
  const seenSrc = new Uint8Array(params.nodes);
  const seenDst = new Uint8Array(params.dsts);
  const v9: Uint8Array[] = [];
  const ipfix: Uint8Array[] = [];
  let v9Sequence = 0;
  let ipfixSequence = 0;
  let multiMinute = 0;
  for (let from = 0; from < params.flows; from += CHUNK_FLOWS) {
    const chunk: FlowRecord[] = [];
    const to = Math.min(params.flows, from + CHUNK_FLOWS);
    for (let i = from; i < to; i++) {
      // popularity ∝ 1/(2√k): a heavy head, yet the tail node still expects flows/(2·nodes) flows
      const u = r();
      const ni = Math.min(params.nodes - 1, Math.floor(params.nodes * u * u));
      const di = Math.floor(r() * params.dsts);
      seenSrc[ni] = 1;
      seenDst[di] = 1;
      const endMs = start + Math.floor((i * span) / params.flows) + Math.floor(r() * 1000);
      const f = makeFlow(r, nodes[ni]!, dsts[di]!, endMs);
      if (Math.floor(f.startMs / 60_000) !== Math.floor(f.endMs / 60_000)) multiMinute++;
      chunk.push(f);
    }
    const dg = encodeNetflowV9(chunk, { sourceId: 0, uptimeBaseMs, templates: true, sequence: v9Sequence, counters64: false });
    v9Sequence = (v9Sequence + dg.length) >>> 0;
    v9.push(...dg);
    const enc = encodeIpfixMessages(chunk, { domain: 0, times: "milliseconds", counterLength: 8, sequence: ipfixSequence, templates: true });
    ipfixSequence = enc.nextSequence;
    ipfix.push(...enc.messages);
  }
  let distinctSrc = 0;
  for (const s of seenSrc) distinctSrc += s;
  let distinctDst = 0;
  for (const s of seenDst) distinctDst += s;
  return { params, prefixes, distinctSrc, distinctDst, multiMinute, v9, ipfix, records: params.flows };
}

/** A stable text key of the parameters, for caching the nfcapd capture. */
export function workloadKey(p: WorkloadParams): string {
  return `w${WORKLOAD_VERSION}-f${p.flows}-n${p.nodes}-d${p.dsts}-m${p.minutes}-s${p.seed}`;
}
