/**
 * @module The columns of `nfdump -o csv`, found by name in the header line so that their order does not matter.
 *
 * nfdump 1.6.x and 1.7.0–1.7.4 print the same 48-column header (1.6 before 1.6.18 lacks cl,sl,al,exid,tr):
 * `ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,…,ra,eng,exid,tr`.
 * Later 1.7 releases print long names for `-o csv` and `-o "csv:%fmt"` (`firstSeen`, `srcAddr`, `inPackets`, …), and
 * `-o fmt` style tokens `%pkt`/`%byt` print as `pkt`/`byt`: all are accepted as aliases (case-insensitive).
 */

/** The fields we read, in the order of `Layout.columns`. */
export const FIELDS = ["ts", "te", "td", "sa", "da", "sp", "dp", "pr", "flg", "ipkt", "ibyt"] as const;
export type Field = (typeof FIELDS)[number];

export const TS = 0, TE = 1, TD = 2, SA = 3, DA = 4, SP = 5, DP = 6, PR = 7, FLG = 8, IPKT = 9, IBYT = 10;

const ALIASES: Record<string, Field> = {
  ts: "ts", tfs: "ts", firstseen: "ts",
  te: "te", lastseen: "te",
  td: "td", duration: "td",
  sa: "sa", srcaddr: "sa",
  da: "da", dstaddr: "da",
  sp: "sp", srcport: "sp",
  dp: "dp", dstport: "dp",
  pr: "pr", proto: "pr",
  flg: "flg", flags: "flg",
  ipkt: "ipkt", pkt: "ipkt", inpackets: "ipkt", packets: "ipkt",
  ibyt: "ibyt", byt: "ibyt", inbytes: "ibyt", bytes: "ibyt",
};

/** nfdump 1.7.1's `-o csv` header: the default when a body has no header line (e.g. piped through `tail`). */
export const NFDUMP_CSV_HEADER =
  "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln," +
  "ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr";

const KNOWN = new Set(NFDUMP_CSV_HEADER.split(","));

export interface Layout {
  /** column index of each FIELDS entry */
  columns: Int32Array;
  /** header names, for messages */
  names: string[];
  /** the highest column index we read */
  last: number;
  /** how many columns the header has */
  count: number;
}

/**
 * Reads a header line. `layout` when every field we need is present; otherwise `missing` lists the absent ones,
 * and `isHeader` says whether the line looked like a header at all (it names at least one nfdump column).
 */
export function readHeader(line: string): { layout: Layout } | { missing: Field[]; isHeader: boolean } {
  const names = line.split(",").map((n) => n.trim());
  const columns = new Int32Array(FIELDS.length).fill(-1);
  let recognized = 0;
  names.forEach((name, col) => {
    const key = name.toLowerCase();
    const field = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
    if (field !== undefined || KNOWN.has(key)) recognized++;
    const f = field === undefined ? -1 : FIELDS.indexOf(field);
    if (f >= 0 && columns[f] === -1) columns[f] = col;
  });
  const missing = FIELDS.filter((_, f) => columns[f] === -1);
  if (missing.length > 0) return { missing, isHeader: recognized > 0 };
  return { layout: { columns, names, last: Math.max(...columns), count: names.length } };
}

export const DEFAULT_LAYOUT = (readHeader(NFDUMP_CSV_HEADER) as { layout: Layout }).layout;
