/** @module Conformance: every `flows-nfdump/*.nfdump.csv[.gz]` (nfdump -o csv) against the ms ground truth of the same nfdump run. */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nfdumpCsv } from "../../../edge/src/parsers/nfdump-csv/parse.js";
import { EXTERNAL_DATA, HAVE_EXTERNAL_DATA, NO_EXTERNAL_DATA } from "../support/nfdump-truth.js";
import { compareWithTruth, parseFile } from "./nfdump-csv.compare.js";

const FILES = HAVE_EXTERNAL_DATA ? readdirSync(`${EXTERNAL_DATA}flows-nfdump/`).filter((f) => /\.nfdump\.csv(\.gz)?$/.test(f)).sort() : [];

describe.skipIf(!HAVE_EXTERNAL_DATA)(`nfdump-csv conformance with nfdump's ms ground truth${HAVE_EXTERNAL_DATA ? "" : ` (${NO_EXTERNAL_DATA})`}`, () => {
  it("has nfdump CSV files to check", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(17);
  });

  it.each(FILES)("%s", (name) => {
    const truthName = name.replace(".nfdump.csv", ".ms.csv");
    const { flows, report } = parseFile(nfdumpCsv, name);
    // -o csv prints ts at 1 s resolution: our startMs is the true start floored, and the duration (td, ms) is exact
    const result = compareWithTruth(flows, report, truthName, { startMs: (t) => Math.floor(t.startMs / 1000) * 1000, durationSlackMs: 1 });
    expect(result.mismatches).toEqual([]);
    expect(result.totals.ours).toEqual(result.totals.truth);
    // the only rejections are nfdump's own negative durations (printed as 2^64 wrap-around), each a bad_record on td
    expect(report.rejected).toBe(result.nfdumpBugRows);
    for (const issue of report.issues) expect(issue).toMatchObject({ code: "bad_record", message: expect.stringContaining("column td (3)") });
  });
});
