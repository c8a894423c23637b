/** @module Which parser reads an input: datagram parsers by their version field, text parsers by content type. */
import { ipfix } from "./ipfix/parse.js";
import { flowJson } from "./json/parse.js";
import { netflowV5 } from "./netflow-v5/parse.js";
import { netflowV9 } from "./netflow-v9/parse.js";
import { nfdumpCsv } from "./nfdump-csv/parse.js";
import type { DatagramParser, TextParser } from "./types.js";

/** The parser for a datagram, from its first two bytes (the version field of v5, v9 and IPFIX). */
export function datagramParserFor(payload: Uint8Array): DatagramParser | null {
  if (payload.length < 2) return null;
  const version = (payload[0]! << 8) | payload[1]!;
  return version === 5 ? netflowV5 : version === 9 ? netflowV9 : version === 10 ? ipfix : null;
}

/** Body kinds of POST /v1/flows by media type (parameters such as charset are ignored). */
export const TEXT_PARSERS: Readonly<Record<string, TextParser>> = {
  "text/csv": nfdumpCsv,
  "application/json": flowJson,
  "application/x-ndjson": flowJson,
  "application/ndjson": flowJson,
  "application/jsonl": flowJson,
};
