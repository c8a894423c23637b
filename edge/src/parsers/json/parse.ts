/**
 * @module JSON flows to FlowColumns: a JSON array of records, one record object, `{ "flows": [...] }`, or NDJSON (one
 * object per line, blank lines ignored), each record under goflow2 v2/v1, nfdump or FlowRecord names (names.ts).
 *
 * Every record is checked as shared/flow/record.ts validateFlow checks it: a fast path applies the same rules
 * without allocating, and a record it does not accept goes through validateFlow itself, whose typed error becomes the
 * issue (missing_field, or bad_record for the others) with the record's index or line. A JSON document that does not
 * parse (or nests too deep: RangeError) rejects the whole body with bad_syntax; in NDJSON a bad line rejects that line.
 */
import type { FlowColumns } from "../../../../shared/flow/columns.js";
import { parseIp } from "../../../../shared/flow/ip.js";
import { FlowValidationError, MAX_FLOW_DURATION_MS, MAX_FLOW_TIME_MS, validateFlow } from "../../../../shared/flow/record.js";
import { readIpv4 } from "../nfdump-csv/fields.js";
import { MAX_ISSUES, reject, type ParseReport, type TextParseOptions, type TextParser } from "../types.js";
import { copyNative, mapNames, namingOf, newCandidate, SOURCE_NAMES, type Candidate, type Naming } from "./names.js";

export const flowJson: TextParser = { name: "json", parseText };

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

function tryParse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: describe(err) };
  }
}

/** A JSON.parse failure: SyntaxError, or RangeError when an engine's parser runs out of stack on deep nesting. */
function describe(err: unknown): string {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : "unknown error";
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

function isBlank(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 0xfeff) return false;
  }
  return true;
}

function parseText(body: string, out: FlowColumns, report: ParseReport, options: TextParseOptions): void {
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  let a = 0;
  while (a < text.length && isBlank(text, a, a + 1)) a++;
  if (a === text.length) return;
  const sink = new RecordSink(out, report, options.maxRecords);
  const first = text.charCodeAt(a);
  if (first !== 91 /* [ */ && first !== 123 /* { */) return ndjson(text, sink);
  // An object on the first line with more after it is NDJSON: no need to try (and fail) the whole body as one document.
  const nl = text.indexOf("\n", a);
  if (first === 123 && nl > 0 && !isBlank(text, nl, text.length) && tryParse(text.slice(a, nl)).ok) return ndjson(text, sink);
  const whole = tryParse(text);
  if (whole.ok) return document(whole.value, sink, report);
  if (first === 123 && looksLikeNdjson(text)) return ndjson(text, sink);
  reject(report, "bad_syntax", `the body is not valid JSON: ${whole.error}`);
}

/** True when one of the first three non-blank lines is a JSON value on its own (NDJSON, not one pretty-printed document). */
function looksLikeNdjson(text: string): boolean {
  let pos = 0;
  for (let seen = 0; seen < 3 && pos < text.length; ) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = text.length;
    if (!isBlank(text, pos, nl)) {
      seen++;
      if (tryParse(text.slice(pos, nl)).ok) return true;
    }
    pos = nl + 1;
  }
  return false;
}

function document(value: unknown, sink: RecordSink, report: ParseReport): void {
  if (Array.isArray(value)) return sink.all(value);
  if (typeof value !== "object" || value === null) {
    reject(report, "bad_syntax", `the body is a JSON ${value === null ? "null" : typeof value}, not flows (an array, an object, { "flows": [...] } or NDJSON)`);
    return;
  }
  const flows = (value as Record<string, unknown>).flows;
  if (flows === undefined) return sink.all([value]);
  if (!Array.isArray(flows)) reject(report, "bad_syntax", `"flows" is a ${flows === null ? "null" : typeof flows}, not an array`);
  else sink.all(flows);
}

function ndjson(text: string, sink: RecordSink): void {
  const end = text.length;
  let pos = 0;
  let line = 0;
  while (pos < end) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = end;
    line++;
    if (!isBlank(text, pos, nl)) {
      if (sink.full()) sink.skip(line);
      else {
        let value: unknown;
        try {
          value = JSON.parse(text.slice(pos, nl));
        } catch (err) {
          sink.syntax(line, describe(err));
          pos = nl + 1;
          continue;
        }
        sink.one(value, line, true);
      }
    }
    pos = nl + 1;
  }
  sink.finish();
}

/** Checks records and appends them to the columns, counting what it takes, rejects, and leaves past maxRecords. */
class RecordSink {
  private taken = 0;
  private over = 0;
  private overAt = 0;
  private overIsLine = false;
  private readonly c: Candidate = newCandidate();

  constructor(
    private readonly out: FlowColumns,
    private readonly report: ParseReport,
    private readonly max: number,
  ) {}

  full(): boolean {
    return this.taken >= this.max;
  }

  all(records: unknown[]): void {
    for (let i = 0; i < records.length; i++) {
      if (this.full()) {
        this.over = records.length - i;
        this.overAt = i + 1;
        break;
      }
      this.one(records[i], i + 1, false);
    }
    this.finish();
  }

  skip(line: number): void {
    if (this.over++ === 0) {
      this.overAt = line;
      this.overIsLine = true;
    }
  }

  syntax(line: number, error: string): void {
    if (this.report.issues.length >= MAX_ISSUES) this.report.rejected++;
    else reject(this.report, "bad_syntax", `line ${line}: ${error}`);
  }

  finish(): void {
    if (this.over === 0) return;
    const where = `${this.overIsLine ? "line" : "record"} ${this.overAt}`;
    reject(this.report, "bad_length", `maxRecords ${this.max} reached: ${this.over} record(s) from ${where} on were not read`, this.over);
    this.over = 0;
  }

  /** One record, at 1-based `index` (a line number when `isLine`). */
  one(value: unknown, index: number, isLine: boolean): void {
    const { c } = this;
    let naming: Naming = "native";
    try {
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new FlowValidationError("not_an_object", null, "a flow must be a JSON object");
      const o = value as Record<string, unknown>;
      naming = namingOf(o);
      if (naming === "native") copyNative(o, c);
      else mapNames(naming, o, c);
      if (this.write(naming === "native" ? o.exporterId : undefined)) return;
      // the fast path declined: validateFlow decides, and names the problem when there is one
      this.out.pushRecord(validateFlow(naming === "native" ? o : c));
      this.taken++;
      this.report.accepted++;
    } catch (err) {
      if (this.report.issues.length >= MAX_ISSUES) {
        this.report.rejected++;
        return;
      }
      if (!(err instanceof FlowValidationError)) {
        // not expected (values come from JSON.parse), but a parser reports rather than throws
        reject(this.report, "bad_record", `${isLine ? "line" : "record"} ${index}: ${err instanceof Error ? err.name : "error"} while reading it`);
        return;
      }
      const source = naming === "native" || err.field === null ? undefined : SOURCE_NAMES[naming][err.field];
      const from = source !== undefined && !err.message.startsWith(source) ? ` (${naming} field ${source})` : "";
      reject(this.report, err.code === "missing_field" ? "missing_field" : "bad_record", `${isLine ? "line" : "record"} ${index}: ${err.message}${from}`);
    }
  }

  /** The fast path: validateFlow's rules on the candidate, written straight to the columns; false to defer to it. */
  private write(exporterId: unknown): boolean {
    const { c, out } = this;
    const { startMs, endMs, src, dst, srcPort, dstPort, protocol, packets, bytes } = c;
    const tcpFlags = c.tcpFlags === undefined ? 0 : c.tcpFlags;
    const samplingRate = c.samplingRate === undefined ? 1 : c.samplingRate;
    if (typeof startMs !== "number" || !(startMs >= 0 && startMs <= MAX_FLOW_TIME_MS)) return false;
    if (typeof endMs !== "number" || !(endMs >= startMs && endMs <= MAX_FLOW_TIME_MS && endMs - startMs <= MAX_FLOW_DURATION_MS)) return false;
    if (!isInt(srcPort, 0, 65535) || !isInt(dstPort, 0, 65535) || !isInt(protocol, 0, 255) || !isInt(tcpFlags, 0, 255)) return false;
    if (!isInt(samplingRate, 1, 2 ** 32 - 1) || !isInt(packets, 0, Infinity) || !isInt(bytes, 0, Infinity)) return false;
    if (exporterId !== undefined && (typeof exporterId !== "string" || exporterId.length > 128)) return false;
    if (typeof src !== "string" || typeof dst !== "string") return false;
    const row = out.reserve(1);
    const family = address(src, out.src, 4 * row);
    if (family === 0 || address(dst, out.dst, 4 * row) !== family) return false;
    out.startMs[row] = startMs;
    out.endMs[row] = endMs;
    out.family[row] = family;
    out.srcPort[row] = srcPort as number;
    out.dstPort[row] = dstPort as number;
    out.protocol[row] = protocol as number;
    out.tcpFlags[row] = tcpFlags as number;
    out.packets[row] = packets as number;
    out.bytes[row] = bytes as number;
    out.samplingRate[row] = samplingRate as number;
    out.length = row + 1;
    this.taken++;
    this.report.accepted++;
    return true;
  }
}

function isInt(v: unknown, lo: number, hi: number): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi;
}

/** Writes an address as four words at `words[at]`: its family, or 0 when it is not one (as parseIp decides). */
function address(text: string, words: Uint32Array, at: number): 0 | 4 | 6 {
  const v4 = readIpv4(text, 0, text.length);
  if (v4 >= 0) {
    words[at] = v4;
    words[at + 1] = words[at + 2] = words[at + 3] = 0;
    return 4;
  }
  const ip = text.length <= 45 ? parseIp(text) : null;
  if (ip === null) return 0;
  words.set(ip.words, at);
  return ip.family;
}
