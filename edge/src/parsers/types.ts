/**
 * @module The parser interface: every ingest format (NetFlow v5, v9, IPFIX, nfdump CSV, JSON/NDJSON)
 * turns its input into rows of FlowColumns and reports what it accepted, rejected and buffered.
 *
 * Parsers are pure and Workers-safe (DataView, TextDecoder; no Node built-ins, no eval), so the cloud
 * tier may import them too (for example to read real captures into the simulator).
 */
import type { FlowColumns } from "../../../shared/flow/columns.js";
import type { ExporterState } from "./exporter-state.js";

export type ParserName = "netflow-v5" | "netflow-v9" | "ipfix" | "nfdump-csv" | "json";

/** Why a record, a flowset or a whole input was not used. Stable strings: they reach API clients. */
export type ParseIssueCode =
  | "truncated" // input ends inside a header, set or record
  | "bad_version" // version field is not the parser's
  | "bad_length" // a length field disagrees with the bytes present
  | "bad_template" // a template that cannot be used (zero-length record, absurd field count, …)
  | "template_expired" // data waited longer than the pending window for its template
  | "pending_overflow" // the pending buffer was full, so the oldest waiting data was dropped
  | "bad_record" // a record whose values are out of range (time order, addresses, …)
  | "bad_syntax" // CSV/JSON that does not parse
  | "missing_field"; // a record without a field we need (addresses, counters, times)

export interface ParseIssue {
  code: ParseIssueCode;
  message: string;
}

/** Counts of one parse call. Records are flow records; a dropped whole datagram counts as 1 rejected. */
export interface ParseReport {
  /** flow records appended to the output columns */
  accepted: number;
  /** records (or whole datagrams) that could not be used; see issues */
  rejected: number;
  /** data sets (flowsets) now waiting for their template (NetFlow v9 / IPFIX): their record count is unknown until then */
  buffered: number;
  /** flow records decoded from data that had been waiting for its template (included in accepted) */
  released: number;
  /** the first MAX_ISSUES problems, for the API response and logs */
  issues: ParseIssue[];
}

export const MAX_ISSUES = 20;

export function emptyReport(): ParseReport {
  return { accepted: 0, rejected: 0, buffered: 0, released: 0, issues: [] };
}

/** Records a problem: counts `count` rejected records and keeps the first MAX_ISSUES messages. */
export function reject(report: ParseReport, code: ParseIssueCode, message: string, count = 1): void {
  report.rejected += count;
  if (report.issues.length < MAX_ISSUES) report.issues.push({ code, message });
}

/** One exported datagram as a collector received it. */
export interface Datagram {
  /** exporter address (canonical IP text), part of the template key */
  exporter: string;
  /** when the collector (or relay) received it, epoch ms; drives the pending-template window */
  receivedAtMs: number;
  bytes: Uint8Array;
}

/** Binary flow-export formats: one datagram at a time, with per-exporter state (templates, samplers, pending data). */
export interface DatagramParser {
  readonly name: ParserName;
  /** Appends decoded flows to `out`; never throws on bad input (reports it instead). */
  parseDatagram(datagram: Datagram, state: ExporterState, out: FlowColumns, report: ParseReport): void;
}

/** Text formats: a whole body at a time, stateless. */
export interface TextParser {
  readonly name: ParserName;
  /** Appends decoded flows to `out`; never throws on bad input (reports it instead). */
  parseText(text: string, out: FlowColumns, report: ParseReport, options: TextParseOptions): void;
}

export interface TextParseOptions {
  /** stop after this many records (the rest count as rejected with bad_length) */
  maxRecords: number;
}
