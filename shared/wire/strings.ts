/** @module String tables: tenant ids and node IPs stored once per frame as u16-length-prefixed UTF-8. */
import type { ByteReader, ByteWriter } from "./bytes.js";
import { wireError } from "./errors.js";

/** Longest key string in UTF-8 bytes (canonical IPv6 text is at most 45; tenant ids are short). */
export const MAX_KEY_BYTES = 255;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * UTF-8 byte length of a key string, or `invalid_value` when it is not a string, is empty, is
 * longer than MAX_KEY_BYTES or is not well-formed Unicode (a lone surrogate).
 */
export function keyByteLength(s: unknown, what: string): number {
  if (typeof s !== "string") throw wireError("invalid_value", `${what}: expected a string`);
  if (s.length === 0) throw wireError("invalid_value", `${what}: empty string`);
  // UTF-8 never has fewer bytes than UTF-16 code units, so a long string fails before any scan.
  let bytes = s.length;
  if (bytes <= MAX_KEY_BYTES && !isAscii(s)) {
    if (LONE_SURROGATE.test(s)) throw wireError("invalid_value", `${what}: not well-formed Unicode`);
    bytes = utf8Length(s);
  }
  if (bytes > MAX_KEY_BYTES) throw wireError("invalid_value", `${what}: ${bytes} UTF-8 bytes, at most ${MAX_KEY_BYTES}`);
  return bytes;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4; // well-formed: a high surrogate is followed by a low one
      i++;
    } else n += 3;
  }
  return n;
}

/** The same rule as `keyByteLength`, as a predicate (for JSON schemas). */
export function isValidKey(s: string): boolean {
  return s.length > 0 && !LONE_SURROGATE.test(s) && encoder.encode(s).length <= MAX_KEY_BYTES;
}

/** A validated string table and its encoded size (u32 count included). */
export interface EncodedTable {
  readonly strings: readonly string[];
  readonly byteLengths: Uint16Array;
  readonly bytes: number;
}

/** Validates a table (keys valid, no duplicates, at most `maxCount`) and sizes it. */
export function prepareTable(strings: readonly string[], maxCount: number, what: string): EncodedTable {
  if (!Array.isArray(strings)) throw wireError("invalid_value", `${what}: expected an array of strings`);
  if (strings.length > maxCount) throw wireError("oversized", `${what}: ${strings.length} strings, at most ${maxCount}`);
  const seen = new Set<string>();
  const byteLengths = new Uint16Array(strings.length);
  let bytes = 4;
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i] as string;
    const len = keyByteLength(s, `${what}[${i}]`);
    if (seen.has(s)) throw wireError("invalid_value", `${what}[${i}]: duplicate ${JSON.stringify(s)}`);
    seen.add(s);
    byteLengths[i] = len;
    bytes += 2 + len;
  }
  return { strings, byteLengths, bytes };
}

/** Layout: u32 count, then count x (u16 byte length, UTF-8 bytes). */
export function writeTable(w: ByteWriter, table: EncodedTable): void {
  w.u32(table.strings.length);
  const out = w.bytes;
  for (let i = 0; i < table.strings.length; i++) {
    const s = table.strings[i]!;
    const len = table.byteLengths[i]!;
    w.u16(len);
    const at = w.skip(len);
    if (len === s.length) {
      for (let k = 0; k < len; k++) out[at + k] = s.charCodeAt(k); // ASCII
    } else {
      encoder.encodeInto(s, out.subarray(at, at + len));
    }
  }
}

/**
 * Reads a table; the count is checked against the bytes left (each string needs >= 3) before
 * anything is allocated. Strings must be non-empty, <= MAX_KEY_BYTES, valid UTF-8 and distinct.
 */
export function readTable(r: ByteReader, maxCount: number, what: string): string[] {
  const count = r.u32(`${what} count`);
  if (count > maxCount) throw wireError("oversized", `${what}: ${count} strings, at most ${maxCount}`);
  if (count * 3 > r.remaining) {
    throw wireError("truncated", `${what}: ${count} strings cannot fit in ${r.remaining} bytes`);
  }
  const out: string[] = new Array<string>(count);
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const len = r.u16(`${what}[${i}] length`);
    if (len === 0 || len > MAX_KEY_BYTES) {
      throw wireError("invalid_value", `${what}[${i}]: length ${len}, expected 1..${MAX_KEY_BYTES}`);
    }
    const raw = r.take(len, `${what}[${i}]`);
    let ascii = true;
    for (let k = 0; k < len; k++) {
      if (raw[k]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    let s: string;
    if (ascii) {
      s = String.fromCharCode.apply(null, raw as unknown as number[]);
    } else {
      try {
        s = decoder.decode(raw);
      } catch {
        throw wireError("invalid_value", `${what}[${i}]: invalid UTF-8`);
      }
    }
    if (seen.has(s)) throw wireError("invalid_value", `${what}[${i}]: duplicate ${JSON.stringify(s)}`);
    seen.add(s);
    out[i] = s;
  }
  return out;
}

/** Builds a table in first-appearance order and the index of each item. */
export function internStrings(items: readonly string[]): { table: string[]; index: Uint32Array } {
  const table: string[] = [];
  const ids = new Map<string, number>();
  const index = new Uint32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const s = items[i]!;
    let id = ids.get(s);
    if (id === undefined) {
      id = table.length;
      ids.set(s, id);
      table.push(s);
    }
    index[i] = id;
  }
  return { table, index };
}
