/** @module Output order of closed node-minutes: node text (as a string sort would order it), then minute, without sorting strings per row. */

/**
 * Rank of each octet's decimal text among "0" … "255" in string order. Dotted IPv4 texts compare
 * octet by octet in exactly this order: '.' and the end of the text sort below every digit, so
 * where two octet texts differ, the shorter-is-a-prefix case and the differing-digit case both
 * decide like the octet texts alone.
 */
const OCTET_RANK: Uint8Array = (() => {
  const texts = Array.from({ length: 256 }, (_, i) => String(i)).sort();
  const rank = new Uint8Array(256);
  texts.forEach((t, r) => (rank[Number(t)] = r));
  return rank;
})();

/** A number that orders IPv4 addresses as their dotted texts order under `<`. */
export function ipv4TextKey(addr: number): number {
  const r = OCTET_RANK;
  return ((r[addr >>> 24]! << 24) | (r[(addr >>> 16) & 255]! << 16) | (r[(addr >>> 8) & 255]! << 8) | r[addr & 255]!) >>> 0;
}

const INDEX_BITS = 2 ** 21;

/**
 * The given node ids sorted by their text. `v4Key(node)` is the node's ipv4TextKey, or -1 for an
 * IPv6 node (then `text(node)` is used, as for any set too large for the numeric path).
 */
export function sortNodesByText(nodes: Int32Array, v4Key: (node: number) => number, text: (node: number) => string): Int32Array {
  const n = nodes.length;
  let numeric = n < INDEX_BITS;
  const keys = new Float64Array(numeric ? n : 0);
  for (let i = 0; i < n && numeric; i++) {
    const k = v4Key(nodes[i]!);
    if (k < 0) numeric = false;
    else keys[i] = k * INDEX_BITS + i;
  }
  if (numeric) {
    keys.sort();
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = nodes[keys[i]! % INDEX_BITS]!;
    return out;
  }
  const texts = new Map<number, string>();
  for (const node of nodes) texts.set(node, text(node));
  return Int32Array.from([...nodes].sort((a, b) => {
    const ta = texts.get(a)!;
    const tb = texts.get(b)!;
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  }));
}
