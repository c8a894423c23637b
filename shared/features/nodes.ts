/** @module NodeSet: which IPs are nodes (customer IPs), from exact addresses or CIDR prefixes, with fast lookups. */
import { type IpPrefix, parsePrefix, wordMask } from "../flow/ip.js";
import { QuadTable, U32Table } from "./int-tables.js";

/**
 * What aggregation needs to know about nodes: the customer index of an address, or -1 when it is not
 * a node. Answers must not change over the matcher's life: MinuteAccumulator caches them (node ids,
 * and recent non-node addresses) until `setMatcher` gives it a new matcher.
 */
export interface NodeMatcher {
  matchV4(addr: number): number;
  matchV6(w0: number, w1: number, w2: number, w3: number): number;
  /** customer names, by index */
  readonly customers: readonly string[];
}

/**
 * A set of customer prefixes. Every address inside a prefix is a node of its own (node = IP);
 * the prefix only says the IP belongs to a customer. A bare address is a /32 or /128.
 * Lookups return the customer index of the longest matching prefix, or -1. A prefix listed twice
 * keeps its first customer.
 */
export class NodeSet implements NodeMatcher {
  /** Prefix lengths present, longest first, per family. */
  private readonly v4Lengths: number[] = [];
  private readonly v6Lengths: number[] = [];
  private readonly v4: Map<number, U32Table> = new Map();
  /** Tables of v4Lengths, same order (avoids a Map lookup per probe). */
  private v4Tables: U32Table[] = [];
  /** Per /16 block of IPv4 space: 1 when some prefix overlaps it. Rejects most non-node addresses in one load. */
  private readonly v4Blocks = new Uint8Array(65536);
  private readonly v6: Map<number, QuadTable> = new Map();
  /** Tables of v6Lengths, same order. */
  private v6Tables: QuadTable[] = [];
  readonly customers: string[] = [];

  /**
   * @param entries prefixes or addresses; `customer` names who owns each (default "default").
   * Throws RangeError naming the bad entry.
   */
  constructor(entries: ReadonlyArray<string | { prefix: string; customer?: string }>) {
    const customerIndex = new Map<string, number>();
    for (const entry of entries) {
      const text = typeof entry === "string" ? entry : entry.prefix;
      const customer = typeof entry === "string" ? "default" : (entry.customer ?? "default");
      const parsed = parsePrefix(text);
      if ("error" in parsed) throw new RangeError(parsed.error);
      let ci = customerIndex.get(customer);
      if (ci === undefined) {
        ci = this.customers.length;
        this.customers.push(customer);
        customerIndex.set(customer, ci);
      }
      this.add(parsed.prefix, ci);
    }
    this.v4Lengths.sort((a, b) => b - a);
    this.v6Lengths.sort((a, b) => b - a);
    this.v4Tables = this.v4Lengths.map((len) => this.v4.get(len)!);
    this.v6Tables = this.v6Lengths.map((len) => this.v6.get(len)!);
  }

  private add(prefix: IpPrefix, customer: number): void {
    if (prefix.family === 4) {
      let table = this.v4.get(prefix.length);
      if (!table) {
        table = new U32Table();
        this.v4.set(prefix.length, table);
        this.v4Lengths.push(prefix.length);
      }
      if (table.get(prefix.words[0]) < 0) table.set(prefix.words[0], customer);
      const firstBlock = prefix.words[0] >>> 16;
      const blocks = prefix.length >= 16 ? 1 : 2 ** (16 - prefix.length);
      this.v4Blocks.fill(1, firstBlock, firstBlock + blocks);
    } else {
      let table = this.v6.get(prefix.length);
      if (!table) {
        table = new QuadTable();
        this.v6.set(prefix.length, table);
        this.v6Lengths.push(prefix.length);
      }
      const [w0, w1, w2, w3] = prefix.words;
      if (table.get(w0, w1, w2, w3) < 0) table.set(w0, w1, w2, w3, customer);
    }
  }

  /** Customer index of an IPv4 address (u32), or -1 when it is not a node. */
  matchV4(addr: number): number {
    if (this.v4Blocks[addr >>> 16] === 0) return -1;
    const lengths = this.v4Lengths;
    const tables = this.v4Tables;
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i]!;
      const hit = tables[i]!.get(len === 0 ? 0 : (addr & (0xffffffff << (32 - len))) >>> 0);
      if (hit >= 0) return hit;
    }
    return -1;
  }

  /** Customer index of an IPv6 address given as four words, or -1. */
  matchV6(w0: number, w1: number, w2: number, w3: number): number {
    const lengths = this.v6Lengths;
    const tables = this.v6Tables;
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i]!;
      const hit = tables[i]!.get(w0 & wordMask(len, 0), w1 & wordMask(len, 1), w2 & wordMask(len, 2), w3 & wordMask(len, 3));
      if (hit >= 0) return hit;
    }
    return -1;
  }

  get isEmpty(): boolean {
    return this.v4Lengths.length === 0 && this.v6Lengths.length === 0;
  }
}
