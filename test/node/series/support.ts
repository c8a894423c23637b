/** @module Test support for the series loaders: where ../shared/data/series is, whether it is there, and temp output folders. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** ../shared/data/series relative to the repository root (NETFLOWGEN_SERIES_DIR overrides it, e.g. to check the skip path). */
export const SERIES_DIR = process.env.NETFLOWGEN_SERIES_DIR ?? fileURLToPath(new URL("../../../../shared/data/series/", import.meta.url));
export const CESNET_DIR = join(SERIES_DIR, "cesnet-timeseries24");
export const NAB_DIR = join(SERIES_DIR, "nab-aws-network");
export const HAVE_SERIES = existsSync(join(CESNET_DIR, "ip_addresses_sample", "files.csv")) && existsSync(join(NAB_DIR, "labels"));

/** A describe name that says why the suite is skipped when the data is absent. */
export function seriesSuiteName(name: string): string {
  return HAVE_SERIES ? name : `${name} (skipped: ../shared/data/series is absent)`;
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
