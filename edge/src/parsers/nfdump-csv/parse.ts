/**
 * @module nfdump CSV (`nfdump -o csv`, 1.6 and 1.7) to FlowColumns, scanning the body by index (no split per line).
 *
 * Columns are found by the header line (see header.ts); a body without one is read in nfdump's standard order. A
 * later header line starts a new block (nfdump 1.6 prints one per input), and the trailer nfdump may print
 * (`Summary`, `flows,bytes,packets,avg_bps,…`, `Time window:` …) ends the records. Per record:
 * - times: `ts` has 1 s resolution in nfdump 1.7.1 (a fraction, as later releases print, is kept) and `td` is the
 *   duration in ms (`%.3f` s). startMs = ts and endMs = startMs + td, so the duration is exact and startMs is the
 *   true start floored to the second. `te` (also floored) is only a check: it must lie within 1 s of endMs.
 *   Times are read as UTC: nfdump prints local time, so run it with TZ=UTC.
 * - protocol: nfdump's names (TCP, UDP, ICMP, ICMP6, GRE, ESP, …) or a number; flags: `CEUAPRSF` by position;
 *   an ICMP destination port `type.code` becomes type·256 + code, as NetFlow carries it.
 * - sampling: `-o csv` has no sampling column, so samplingRate is 1. `opkt`/`obyt` (the reverse direction of
 *   bidirectional NSEL/biflow records) are not read yet: such a record counts its forward direction only.
 * A bad line is rejected (bad_syntax: a field that does not parse; bad_record: a value out of range; missing_field:
 * an empty field or a header without a needed column) with its line number and column; the others are kept.
 */
import type { FlowColumns } from "../../../../shared/flow/columns.js";
import { parseIp } from "../../../../shared/flow/ip.js";
import { MAX_FLOW_DURATION_MS, MAX_FLOW_TIME_MS } from "../../../../shared/flow/record.js";
import { MAX_ISSUES, reject, type ParseIssueCode, type ParseReport, type TextParseOptions, type TextParser } from "../types.js";
import { readDateTime, readIpv4, readPort, readSeconds, readTcpFlags, readUint, trimEnd, trimStart } from "./fields.js";
import { DA, DEFAULT_LAYOUT, DP, FLG, IBYT, IPKT, PR, readHeader, SA, SP, TD, TE, TS, type Layout } from "./header.js";
import { readProtocol } from "./protocols.js";

const TRAILERS = ["Summary", "flows,bytes,packets", "Time window:", "Total flows processed", "Sys:"];

export const nfdumpCsv: TextParser = { name: "nfdump-csv", parseText };

function parseText(text: string, out: FlowColumns, report: ParseReport, options: TextParseOptions): void {
  const reader = new LineReader(text, out, report);
  const end = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  let sawFirst = false;
  let taken = 0;
  let over = 0;
  let overLine = 0;
  let lacking: { line: number; missing: string; unread: number } | null = null;
  const flushLacking = () => {
    if (lacking === null) return;
    const { line: at, missing, unread } = lacking;
    reject(report, "missing_field", `line ${at}: the header lacks column(s) ${missing}; ${unread} record line(s) under it were not read`, unread);
    lacking = null;
  };

  while (pos < end) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = end;
    const stop = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const a = trimStart(text, pos, stop);
    line++;
    pos = nl + 1;
    if (a === stop) continue;
    const c0 = text.charCodeAt(a);
    if (c0 < 48 || c0 > 57) {
      // a header, the trailer, or a record that starts with a letter (an IPv6 address in the first column)
      if (TRAILERS.some((t) => text.startsWith(t, a))) break;
      const header = readHeader(text.slice(a, stop));
      if ("layout" in header || header.isHeader) {
        flushLacking();
        sawFirst = true;
        if ("layout" in header) reader.use(header.layout);
        else lacking = { line, missing: header.missing.join(", "), unread: 0 };
        continue;
      }
    }
    if (!sawFirst) {
      sawFirst = true;
      reader.use(DEFAULT_LAYOUT);
    }
    if (lacking !== null) lacking.unread++;
    else if (taken >= options.maxRecords) {
      if (over++ === 0) overLine = line;
    } else if (reader.read(a, stop, line)) taken++;
  }
  flushLacking();
  if (over > 0) {
    reject(report, "bad_length", `maxRecords ${options.maxRecords} reached: ${over} record line(s) from line ${overLine} on were not read`, over);
  }
}

/** Reads one record line at a time into the output columns, with the current block's layout. */
class LineReader {
  private layout: Layout = DEFAULT_LAYOUT;
  private starts = new Int32Array(DEFAULT_LAYOUT.last + 1);
  private ends = new Int32Array(DEFAULT_LAYOUT.last + 1);
  private line = 0;

  constructor(
    private readonly text: string,
    private readonly out: FlowColumns,
    private readonly report: ParseReport,
  ) {}

  use(layout: Layout): void {
    this.layout = layout;
    this.starts = new Int32Array(layout.last + 1);
    this.ends = new Int32Array(layout.last + 1);
  }

  /** Appends the record on [a, b) of the text; false (and a rejection) when it is bad. */
  read(a: number, b: number, line: number): boolean {
    const { text, layout, starts, ends } = this;
    this.line = line;
    // Locate the columns up to the last one we read. Each must end in a comma unless it is the header's last column,
    // so that a line cut short inside a value is never read as a shorter value.
    const last = layout.last;
    let col = 0;
    let fieldStart = a;
    while (col <= last) {
      const comma = text.indexOf(",", fieldStart);
      if (comma < 0 || comma >= b) break;
      starts[col] = fieldStart;
      ends[col] = comma;
      col++;
      fieldStart = comma + 1;
    }
    const lastIsFinal = last === layout.count - 1;
    if (col === last && lastIsFinal) {
      starts[col] = fieldStart;
      ends[col] = b;
    } else if (col <= last || lastIsFinal) {
      const found = col <= last ? col + 1 : `more than ${layout.count}`;
      return this.lineFail("bad_syntax", `${found} column(s) where the header has ${layout.count} (a cut or garbled line)`);
    }

    const ts = this.time(TS);
    if (Number.isNaN(ts)) return this.fail(this.blank(TS) ? "missing_field" : "bad_syntax", TS, "not a time (YYYY-MM-DD hh:mm:ss)");
    const te = this.time(TE);
    if (Number.isNaN(te)) return this.fail(this.blank(TE) ? "missing_field" : "bad_syntax", TE, "not a time (YYYY-MM-DD hh:mm:ss)");
    const duration = readSeconds(text, this.start(TD), this.end(TD));
    if (Number.isNaN(duration)) return this.fail(this.blank(TD) ? "missing_field" : "bad_syntax", TD, "not a duration in seconds");
    if (duration > MAX_FLOW_DURATION_MS) {
      const why = duration > 1e15 ? " (nfdump prints a negative duration, last before first, as 2^64 wrap-around)" : "";
      return this.fail("bad_record", TD, `flow lasts more than 24 h${why}:`);
    }
    const startMs = ts;
    const endMs = ts + duration;
    if (startMs < 0 || endMs > MAX_FLOW_TIME_MS) return this.fail("bad_record", TS, "time outside 1970..2100:");
    if (Math.abs(te - endMs) > 1000) return this.fail("bad_record", TE, "is more than 1 s away from ts + td:");

    const { out } = this;
    const row = out.reserve(1);
    const srcFamily = this.address(this.start(SA), this.end(SA), out.src, 4 * row);
    if (srcFamily === 0) return this.fail(this.blank(SA) ? "missing_field" : "bad_syntax", SA, "not an IP address");
    const dstFamily = this.address(this.start(DA), this.end(DA), out.dst, 4 * row);
    if (dstFamily === 0) return this.fail(this.blank(DA) ? "missing_field" : "bad_syntax", DA, "not an IP address");
    if (srcFamily !== dstFamily) return this.fail("bad_record", DA, "is not of the source address's family:");

    const srcPort = readUint(text, this.start(SP), this.end(SP));
    if (srcPort < 0) return this.fail(this.blank(SP) ? "missing_field" : "bad_syntax", SP, "not a port");
    if (srcPort > 65535) return this.fail("bad_record", SP, "port above 65535:");
    const dstPort = readPort(text, this.start(DP), this.end(DP));
    if (dstPort < 0) return this.fail(this.blank(DP) ? "missing_field" : "bad_syntax", DP, "not a port or ICMP type.code");
    if (dstPort > 65535) return this.fail("bad_record", DP, "port above 65535:");
    const protocol = readProtocol(text, this.start(PR), this.end(PR));
    if (protocol < 0) return this.fail(this.blank(PR) ? "missing_field" : "bad_syntax", PR, "not a protocol name or number 0..255");
    const flags = readTcpFlags(text, this.start(FLG), this.end(FLG));
    if (flags < 0) return this.fail(this.blank(FLG) ? "missing_field" : "bad_syntax", FLG, "not TCP flags (CEUAPRSF by position)");
    const packets = readUint(text, this.start(IPKT), this.end(IPKT));
    if (packets < 0) return this.fail(this.blank(IPKT) ? "missing_field" : "bad_syntax", IPKT, "not a packet count");
    const bytes = readUint(text, this.start(IBYT), this.end(IBYT));
    if (bytes < 0) return this.fail(this.blank(IBYT) ? "missing_field" : "bad_syntax", IBYT, "not a byte count");

    out.startMs[row] = startMs;
    out.endMs[row] = endMs;
    out.family[row] = srcFamily;
    out.srcPort[row] = srcPort;
    out.dstPort[row] = dstPort;
    out.protocol[row] = protocol;
    out.tcpFlags[row] = flags;
    out.packets[row] = packets;
    out.bytes[row] = bytes;
    out.samplingRate[row] = 1;
    out.length = row + 1;
    this.report.accepted++;
    return true;
  }

  private start(field: number): number {
    return this.starts[this.layout.columns[field]!]!;
  }

  private end(field: number): number {
    return this.ends[this.layout.columns[field]!]!;
  }

  private blank(field: number): boolean {
    return trimStart(this.text, this.start(field), this.end(field)) === this.end(field);
  }

  private time(field: number): number {
    const a = this.start(field);
    const b = this.end(field);
    return readDateTime(this.text, trimStart(this.text, a, b), trimEnd(this.text, a, b));
  }

  /** Writes the address on [a, b) as four words at `words[at]`; its family, or 0 when it is not an address. */
  private address(a: number, b: number, words: Uint32Array, at: number): 0 | 4 | 6 {
    const { text } = this;
    let v4 = readIpv4(text, a, b);
    if (v4 < 0) {
      a = trimStart(text, a, b);
      b = trimEnd(text, a, b);
      v4 = readIpv4(text, a, b);
    }
    if (v4 >= 0) {
      words[at] = v4;
      words[at + 1] = words[at + 2] = words[at + 3] = 0;
      return 4;
    }
    if (b - a > 45) return 0;
    const ip = parseIp(text.slice(a, b));
    if (ip === null) return 0;
    words.set(ip.words, at);
    return ip.family;
  }

  private fail(code: ParseIssueCode, field: number, what: string): false {
    const { report } = this;
    if (report.issues.length >= MAX_ISSUES) {
      report.rejected++;
      return false;
    }
    const col = this.layout.columns[field]!;
    const value = this.text.slice(this.starts[col]!, this.ends[col]!);
    const shown = JSON.stringify(value.length > 48 ? `${value.slice(0, 48)}…` : value);
    reject(report, code, `line ${this.line}, column ${this.layout.names[col]} (${col + 1}): ${what} ${shown}`);
    return false;
  }

  private lineFail(code: ParseIssueCode, what: string): false {
    if (this.report.issues.length >= MAX_ISSUES) this.report.rejected++;
    else reject(this.report, code, `line ${this.line}: ${what}`);
    return false;
  }
}
