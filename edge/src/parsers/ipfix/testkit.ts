/** @module Test helpers for the IPFIX parser: run datagrams through it, split and reassemble messages, hand-made templates. */
import { collect } from "../parser.case.js";
import { ExporterState } from "../exporter-state.js";
import type { FlowRecord } from "../../../../shared/flow/record.js";
import type { ParseReport } from "../types.js";
import { MESSAGE_HEADER_LENGTH } from "./header.js";
import { buildMessage } from "./message.js";
import { ipfix } from "./parse.js";

export const EXPORTER = "192.0.2.1";

/** A datagram to parse: bytes and the time it arrived (default 0). */
export type Input = Uint8Array | { bytes: Uint8Array; atMs: number };

/** Parses inputs in order into fresh columns; with the given state (default: a fresh one). */
export function parseAll(inputs: Input[], state = new ExporterState()): { flows: FlowRecord[]; report: ParseReport; state: ExporterState } {
  const result = collect((out, report) => {
    for (const input of inputs) {
      const { bytes, atMs } = input instanceof Uint8Array ? { bytes: input, atMs: 0 } : input;
      ipfix.parseDatagram({ exporter: EXPORTER, receivedAtMs: atMs, bytes }, state, out, report);
    }
  });
  return { ...result, state };
}

/** The sets of a message (each with its 4-byte header), in order. */
export function splitSets(message: Uint8Array): Uint8Array[] {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const sets: Uint8Array[] = [];
  for (let pos = MESSAGE_HEADER_LENGTH; pos + 4 <= message.length; ) {
    const length = view.getUint16(pos + 2);
    sets.push(message.slice(pos, pos + length));
    pos += length;
  }
  return sets;
}

/** The set ids of a message, in order. */
export function setIds(message: Uint8Array): number[] {
  return splitSets(message).map((s) => (s[0]! << 8) | s[1]!);
}

/** A message like `like` (domain, export time, sequence) holding `sets`. */
export function remessage(like: Uint8Array, sets: Uint8Array[]): Uint8Array {
  const view = new DataView(like.buffer, like.byteOffset, like.byteLength);
  return buildMessage({ exportTime: view.getUint32(4), sequence: view.getUint32(8), domain: view.getUint32(12) }, sets);
}

/** Big-endian bytes of an unsigned value of `length` bytes. */
export function be(value: number, length: number): number[] {
  const out: number[] = [];
  let v = value;
  for (let i = 0; i < length; i++) {
    out.unshift(v % 256);
    v = Math.floor(v / 256);
  }
  return out;
}
