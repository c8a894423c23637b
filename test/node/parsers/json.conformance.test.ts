/** @module Conformance: every `flows-nfdump/*.json` (nfdump -o json, ms times) read by the JSON parser, against the ms ground truth. */
import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { flowJson } from "../../../edge/src/parsers/json/parse.js";
import { nfdumpCsv } from "../../../edge/src/parsers/nfdump-csv/parse.js";
import { EXTERNAL_DATA, HAVE_EXTERNAL_DATA, NO_EXTERNAL_DATA } from "../support/nfdump-truth.js";
import { compareWithTruth, parseFile } from "./nfdump-csv.compare.js";

const FILES = HAVE_EXTERNAL_DATA ? readdirSync(`${EXTERNAL_DATA}flows-nfdump/`).filter((f) => f.endsWith(".json")).sort() : [];

describe.skipIf(!HAVE_EXTERNAL_DATA)(`json conformance (nfdump -o json) with nfdump's ms ground truth${HAVE_EXTERNAL_DATA ? "" : ` (${NO_EXTERNAL_DATA})`}`, () => {
  it("has nfdump JSON files to check", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(5);
  });

  it.each(FILES)("%s", (name) => {
    const truthName = name.replace(/\.json$/, ".ms.csv");
    const { flows, report } = parseFile(flowJson, name);
    // nfdump's JSON has ms times: start and duration must match exactly
    const result = compareWithTruth(flows, report, truthName, { startMs: (t) => t.startMs, durationSlackMs: 0 });
    expect(result.mismatches).toEqual([]);
    expect(result.totals.ours).toEqual(result.totals.truth);
    expect(report.rejected).toBe(result.nfdumpBugRows);
  });

  // The ms truth prints large counters scaled (1.9M): nfdump's CSV of the same run has them exact, so compare the two.
  const PAIRS = FILES.map((f) => [f, f.replace(/\.json$/, ".nfdump.csv")] as const).filter(([, csv]) => existsSync(`${EXTERNAL_DATA}flows-nfdump/${csv}`));

  it.each(PAIRS)("%s agrees exactly with %s", (json, csv) => {
    const a = parseFile(flowJson, json).flows;
    const b = parseFile(nfdumpCsv, csv).flows;
    expect(a.length).toBe(b.length);
    const floorStart = a.map((f) => ({ ...f, startMs: Math.floor(f.startMs / 1000) * 1000, endMs: 0 }));
    expect(floorStart).toEqual(b.map((f) => ({ ...f, endMs: 0 })));
  });
});
