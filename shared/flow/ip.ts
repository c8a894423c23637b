/** @module IPv4/IPv6 address parsing, canonical text form, and CIDR prefixes, on plain numbers (Workers-safe). */

/** An IP address as four 32-bit big-endian words; IPv4 uses word 0 only and words 1..3 are 0. */
export interface IpAddress {
  readonly family: 4 | 6;
  /** IPv4: [addr, 0, 0, 0]. IPv6: the 128 bits as four u32 words, most significant first. */
  readonly words: readonly [number, number, number, number];
}

/** Parses dotted-quad IPv4 text into an unsigned 32-bit integer; null when invalid. */
export function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    if (part.length > 1 && part[0] === "0") return null; // no octal-looking octets
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value >>> 0;
}

export function formatIPv4(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}

/** Parses IPv6 text (with `::` and an optional embedded IPv4 tail) into four u32 words; null when invalid. */
export function parseIPv6(text: string): [number, number, number, number] | null {
  if (text.length < 2 || text.length > 45) return null;
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [v4 >>> 16, v4 & 0xffff];
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const doubleColon = head.indexOf("::");
  if (doubleColon !== head.lastIndexOf("::")) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === "") return [];
    const groups = s.split(":");
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (doubleColon >= 0) {
    const left = parseGroups(head.slice(0, doubleColon));
    const right = parseGroups(head.slice(doubleColon + 2));
    if (!left || !right) return null;
    const missing = 8 - left.length - right.length - tail.length;
    if (missing < 1) return null;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right, ...tail];
  } else {
    const all = parseGroups(head);
    if (!all) return null;
    groups = [...all, ...tail];
  }
  if (groups.length !== 8) return null;
  return [
    ((groups[0]! << 16) | groups[1]!) >>> 0,
    ((groups[2]! << 16) | groups[3]!) >>> 0,
    ((groups[4]! << 16) | groups[5]!) >>> 0,
    ((groups[6]! << 16) | groups[7]!) >>> 0,
  ];
}

/** RFC 5952 canonical text: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIPv6(words: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) groups.push(words[i]! >>> 16, words[i]! & 0xffff);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/**
 * Parses an IPv4 or IPv6 address. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is normalized to IPv4,
 * so that one host has one node identity whichever way an exporter spells it.
 */
export function parseIp(text: string): IpAddress | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { family: 4, words: [v4, 0, 0, 0] };
  const v6 = parseIPv6(text);
  if (v6 === null) return null;
  if (v6[0] === 0 && v6[1] === 0 && v6[2] === 0xffff) return { family: 4, words: [v6[3], 0, 0, 0] };
  return { family: 6, words: v6 };
}

export function formatIp(addr: IpAddress): string {
  return addr.family === 4 ? formatIPv4(addr.words[0]) : formatIPv6(addr.words);
}

/** Canonical text of an address given as text; null when it is not an IP address. */
export function canonicalIp(text: string): string | null {
  const addr = parseIp(text);
  return addr === null ? null : formatIp(addr);
}

/** A CIDR prefix: the network address (host bits cleared) and its length. */
export interface IpPrefix {
  readonly family: 4 | 6;
  readonly words: readonly [number, number, number, number];
  readonly length: number;
}

/** Mask of the `length` most significant bits of 32-bit word `index` of a prefix. */
export function wordMask(length: number, index: number): number {
  const bits = Math.max(0, Math.min(32, length - index * 32));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * Parses `addr/len` (or a bare address, as /32 or /128). Host bits set below the prefix are an
 * error (`10.0.0.1/8` is ambiguous as a customer prefix), reported as null with the reason.
 */
export function parsePrefix(text: string): { prefix: IpPrefix } | { error: string } {
  const slash = text.indexOf("/");
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseIp(addrText.trim());
  if (!addr) return { error: `not an IP address: ${JSON.stringify(addrText)}` };
  const max = addr.family === 4 ? 32 : 128;
  let length = max;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(lenText)) return { error: `bad prefix length: ${JSON.stringify(lenText)}` };
    length = Number(lenText);
    // An IPv4-mapped IPv6 prefix (::ffff:a.b.c.d/N, N ≥ 96) becomes the IPv4 prefix /N-96.
    if (addr.family === 4 && addrText.includes(":")) length -= 96;
    if (length < 0 || length > max) return { error: `prefix length ${lenText} out of range for IPv${addr.family}` };
  }
  for (let i = 0; i < 4; i++) {
    if ((addr.words[i]! & ~wordMask(length, i)) >>> 0 !== 0) {
      return { error: `host bits set below /${length} in ${text}` };
    }
  }
  return { prefix: { family: addr.family, words: addr.words, length } };
}

export function formatPrefix(prefix: IpPrefix): string {
  return `${formatIp(prefix)}/${prefix.length}`;
}
