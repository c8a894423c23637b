/** @module CESNET-TimeSeries24 per-IP 10-minute series -> minute archive chunks (one per IP, full 40,298-window axis, missing windows = zero traffic) plus a manifest. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { FEATURE_COUNT, featureIndex } from "../../../shared/features/catalogue.js";
import type { MinuteArchive } from "../../../shared/wire/archive.js";
import {
  column,
  ensureDir,
  featureAvailability,
  type FeatureAvailability,
  type FeatureStatus,
  minuteIso,
  numberField,
  parseSimpleCsv,
  type SeriesLoadResult,
  type SeriesManifest,
  type SeriesManifestNode,
  unavailableTemplate,
  writeChunk,
  writeManifest,
} from "./common.js";

export const CESNET_SOURCE = "cesnet-timeseries24";
export const CESNET_TENANT = "cesnet-timeseries24";
export const CESNET_SHARD = 0;
export const CESNET_STEP_MINUTES = 10;
export const CESNET_CITATION =
  'Koumar, Hynek, Čejka, Šiška, "CESNET-TimeSeries24: Time Series Dataset for Network Traffic Anomaly Detection and Forecasting", Scientific Data 12, 338 (2025), doi:10.1038/s41597-025-04603-x; data: Zenodo doi:10.5281/zenodo.13382427';
export const CESNET_LICENCE = "CC BY 4.0 (Zenodo record; cite the paper). Device annotations: BSD-3-Clause (CESNET/cesnet-tszoo).";

export type CesnetStratum = "complete" | "random";

export interface CesnetLoadOptions {
  /** the dataset folder (holding ip_addresses_sample/, times/, ids_relationship.csv.gz) */
  readonly inDir: string;
  readonly outDir: string;
  /** which IPs: a stratum of files.csv or all (default all) */
  readonly stratum?: CesnetStratum | "all";
  /** only the first N selected IPs, in files.csv order */
  readonly ips?: number;
  /** only these id_ip values (after the stratum filter), in files.csv order */
  readonly ids?: readonly number[];
}

const F = {
  inPkt: featureIndex("volume_in_pkt"),
  inByt: featureIndex("volume_in_byt"),
  outPkt: featureIndex("volume_out_pkt"),
  outByt: featureIndex("volume_out_byt"),
  tcpInPkt: featureIndex("proto_tcp_in_pkt"),
  tcpInByt: featureIndex("proto_tcp_in_byt"),
  tcpOutPkt: featureIndex("proto_tcp_out_pkt"),
  tcpOutByt: featureIndex("proto_tcp_out_byt"),
  udpInPkt: featureIndex("proto_udp_in_pkt"),
  udpInByt: featureIndex("proto_udp_in_byt"),
  udpOutPkt: featureIndex("proto_udp_out_pkt"),
  udpOutByt: featureIndex("proto_udp_out_byt"),
} as const;

const TCP_NOTE = "tcp_udp_ratio is over TCP+UDP only; assumes ICMP/other ≈ 0 and the same TCP share in both directions";
const FILLED = new Map<number, { status: Exclude<FeatureStatus, "unavailable">; from: string }>([
  [F.inPkt, { status: "derived", from: "n_packets × (1 − dir_ratio_packets)" }],
  [F.outPkt, { status: "derived", from: "n_packets × dir_ratio_packets" }],
  [F.inByt, { status: "derived", from: "n_bytes × (1 − dir_ratio_bytes)" }],
  [F.outByt, { status: "derived", from: "n_bytes × dir_ratio_bytes" }],
  [F.tcpInPkt, { status: "approximate", from: `volume_in_pkt × tcp_udp_ratio_packets (${TCP_NOTE})` }],
  [F.tcpOutPkt, { status: "approximate", from: `volume_out_pkt × tcp_udp_ratio_packets (${TCP_NOTE})` }],
  [F.udpInPkt, { status: "approximate", from: `volume_in_pkt × (1 − tcp_udp_ratio_packets) (${TCP_NOTE})` }],
  [F.udpOutPkt, { status: "approximate", from: `volume_out_pkt × (1 − tcp_udp_ratio_packets) (${TCP_NOTE})` }],
  [F.tcpInByt, { status: "approximate", from: `volume_in_byt × tcp_udp_ratio_bytes (${TCP_NOTE})` }],
  [F.tcpOutByt, { status: "approximate", from: `volume_out_byt × tcp_udp_ratio_bytes (${TCP_NOTE})` }],
  [F.udpInByt, { status: "approximate", from: `volume_in_byt × (1 − tcp_udp_ratio_bytes) (${TCP_NOTE})` }],
  [F.udpOutByt, { status: "approximate", from: `volume_out_byt × (1 − tcp_udp_ratio_bytes) (${TCP_NOTE})` }],
]);

/** The 86 features as the CESNET loader fills them (the same for every row and node). */
export const CESNET_FEATURES: readonly FeatureAvailability[] = featureAvailability(FILLED);

export const CESNET_NOTES: readonly string[] = [
  "One row per 10-minute window of the dataset's id_time axis (0..40297), for every IP; minute = floor(window start, UTC) in epoch minutes. Counters are per window (10 minutes), not per minute.",
  "Window start times come from times/times_10_minutes.csv (local time with a UTC offset), converted to UTC. The axis is not perfectly regular: 5 steps are longer than 600 s (DST change and 4 collection gaps); rows keep the dataset's id_time order.",
  "A window without a row in the IP's file had no traffic (dataset definition): all its available features are 0 and nothing is masked.",
  "In/out volumes split the two-direction totals with dir_ratio (1 = all outgoing from the IP); the ratios are rounded to 0.01, so a split carries up to about ±0.5 % of the total. Values are kept fractional, so in + out = the total.",
  "Flows have no direction split in the data: volume_in_flow and volume_out_flow are unavailable (n_flows is summed into each node's meta.sum_n_flows instead).",
  "proto_tcp_* / proto_udp_* (pkt, byt) are approximations: tcp_udp_ratio has no direction and covers TCP+UDP only, so TCP+UDP is taken as the whole volume (ICMP/other unknown, so ICMP/other features are unavailable) and the TCP share is applied to each direction alike.",
  "Ports, TCP flags, ICMP/other protocols and all flow counts are unavailable (masked, value 0). n_dest_asn, n_dest_ports, n_dest_ip, avg_duration and avg_ttl have no feature and are not carried.",
  "Node = synthetic IPv4 10.0.0.0 + id_ip (10.<id bits 16-23>.<bits 8-15>.<bits 0-7>); customer = cesnet-inst-<id_institution> from ids_relationship.csv.gz. The original ids are in each node's meta.",
];

/** Synthetic node address of an id_ip: 10.0.0.0/8 plus the id as a 24-bit offset. */
export function cesnetNodeAddress(idIp: number): string {
  if (!Number.isInteger(idIp) || idIp < 0 || idIp >= 1 << 24) throw new RangeError(`id_ip ${idIp} does not fit 10.0.0.0/8`);
  return `10.${(idIp >>> 16) & 255}.${(idIp >>> 8) & 255}.${idIp & 255}`;
}

export function cesnetCustomer(idInstitution: number): string {
  return `cesnet-inst-${idInstitution}`;
}

function gunzipText(path: string): string {
  return gunzipSync(readFileSync(path)).toString("utf8");
}

/** The id_time axis: window k -> epoch minute (UTC) of its start. Checks ids are 0..N-1 in order and minutes strictly increase. */
export function readCesnetTimes(inDir: string): Uint32Array {
  const path = join(inDir, "times", "times_10_minutes.csv.gz");
  const { header, rows } = parseSimpleCsv(gunzipText(path), path);
  const idCol = column(header, "id_time", path);
  const timeCol = column(header, "time", path);
  const minutes = new Uint32Array(rows.length);
  rows.forEach((row, k) => {
    if (Number(row[idCol]) !== k) throw new Error(`${path}: row ${k + 1} has id_time ${row[idCol]}, expected ${k}`);
    const text = row[timeCol]!;
    // "2023-10-09 02:03:49+02:00": ISO 8601 with a space; Date.parse needs the T.
    const ms = Date.parse(text.replace(" ", "T"));
    if (!Number.isFinite(ms) || !/[+-]\d\d:\d\d$|Z$/.test(text)) throw new Error(`${path}: id_time ${k} time ${JSON.stringify(text)} is not a time with a UTC offset`);
    const minute = Math.floor(ms / 60_000);
    if (k > 0 && minute <= minutes[k - 1]!) throw new Error(`${path}: id_time ${k} (${text}) does not come after id_time ${k - 1}`);
    minutes[k] = minute;
  });
  return minutes;
}

export interface CesnetIpEntry {
  readonly idIp: number;
  readonly stratum: CesnetStratum;
  /** non-empty windows, as files.csv states */
  readonly rows: number;
  readonly deviceGroup: string | null;
  readonly deviceClass: string | null;
}

/** ip_addresses_sample/files.csv, in file order. */
export function readCesnetIndex(inDir: string): CesnetIpEntry[] {
  const path = join(inDir, "ip_addresses_sample", "files.csv");
  const { header, rows } = parseSimpleCsv(readFileSync(path, "utf8"), path);
  const c = {
    id: column(header, "id_ip", path),
    stratum: column(header, "stratum", path),
    rows: column(header, "rows", path),
    group: column(header, "device_group", path),
    cls: column(header, "device_class", path),
  };
  return rows.map((row, i) => {
    const stratum = row[c.stratum];
    if (stratum !== "complete" && stratum !== "random") throw new Error(`${path}: line ${i + 2} has stratum ${JSON.stringify(stratum)}`);
    return {
      idIp: numberField(row[c.id]!, `${path} line ${i + 2} id_ip`),
      stratum,
      rows: numberField(row[c.rows]!, `${path} line ${i + 2} rows`),
      deviceGroup: row[c.group] || null,
      deviceClass: row[c.cls] || null,
    };
  });
}

/** id_ip -> [id_institution, id_institution_subnet] from ids_relationship.csv.gz, for the wanted ids only. */
export function readCesnetInstitutions(inDir: string, wanted: ReadonlySet<number>): Map<number, [number, number]> {
  const path = join(inDir, "ids_relationship.csv.gz");
  const text = gunzipText(path);
  const out = new Map<number, [number, number]>();
  let start = text.indexOf("\n") + 1;
  if (text.slice(0, start).trim() !== "id_ip,id_institution,id_institution_subnet") throw new Error(`${path}: unexpected header`);
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    const comma = line.indexOf(",");
    if (comma < 0) continue;
    const id = Number(line.slice(0, comma));
    if (!wanted.has(id)) continue;
    const [, inst, subnet] = line.split(",");
    out.set(id, [numberField(inst ?? "", `${path} id_ip ${id} id_institution`), numberField(subnet ?? "", `${path} id_ip ${id} subnet`)]);
  }
  return out;
}

function ratio(text: string, what: string): number {
  const r = numberField(text, what);
  if (r < 0 || r > 1) throw new Error(`${what}: ratio ${r} is outside [0, 1]`);
  return r + 0; // -0 -> 0
}

function count(text: string, what: string): number {
  const v = numberField(text, what);
  if (v < 0) throw new Error(`${what}: count ${v} is negative`);
  return v + 0;
}

export interface CesnetNodeSeries {
  /** (axis, FEATURE_COUNT) counters, row k = id_time k */
  readonly counters: Float64Array;
  /** rows present in the file (windows with traffic) */
  readonly nonEmpty: number;
  readonly sumFlows: number;
  readonly sumPackets: number;
  readonly sumBytes: number;
}

/**
 * Parses one per-IP CSV into `counters` (zeroed first; (axisLength, FEATURE_COUNT)): absent
 * windows stay 0. Throws on an id_time off the axis, a repeated id_time, or a bad value.
 */
export function cesnetSeriesFromCsv(text: string, what: string, axisLength: number, counters: Float64Array): CesnetNodeSeries {
  if (counters.length !== axisLength * FEATURE_COUNT) throw new Error(`${what}: counters buffer has the wrong size`);
  counters.fill(0);
  const { header, rows } = parseSimpleCsv(text, what);
  const c = {
    id: column(header, "id_time", what),
    flows: column(header, "n_flows", what),
    pkt: column(header, "n_packets", what),
    byt: column(header, "n_bytes", what),
    tcpPkt: column(header, "tcp_udp_ratio_packets", what),
    tcpByt: column(header, "tcp_udp_ratio_bytes", what),
    dirPkt: column(header, "dir_ratio_packets", what),
    dirByt: column(header, "dir_ratio_bytes", what),
  };
  const seen = new Uint8Array(axisLength);
  let sumFlows = 0;
  let sumPackets = 0;
  let sumBytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const where = `${what} line ${i + 2}`;
    const k = Number(row[c.id]);
    if (!Number.isInteger(k) || k < 0 || k >= axisLength) throw new Error(`${where}: id_time ${row[c.id]} is off the axis 0..${axisLength - 1}`);
    if (seen[k]) throw new Error(`${where}: id_time ${k} repeats`);
    seen[k] = 1;
    const flows = count(row[c.flows]!, `${where} n_flows`);
    const pkt = count(row[c.pkt]!, `${where} n_packets`);
    const byt = count(row[c.byt]!, `${where} n_bytes`);
    const dirPkt = ratio(row[c.dirPkt]!, `${where} dir_ratio_packets`);
    const dirByt = ratio(row[c.dirByt]!, `${where} dir_ratio_bytes`);
    const tcpPkt = ratio(row[c.tcpPkt]!, `${where} tcp_udp_ratio_packets`);
    const tcpByt = ratio(row[c.tcpByt]!, `${where} tcp_udp_ratio_bytes`);
    sumFlows += flows;
    sumPackets += pkt;
    sumBytes += byt;
    const base = k * FEATURE_COUNT;
    const inPkt = pkt * (1 - dirPkt);
    const outPkt = pkt * dirPkt;
    const inByt = byt * (1 - dirByt);
    const outByt = byt * dirByt;
    counters[base + F.inPkt] = inPkt;
    counters[base + F.outPkt] = outPkt;
    counters[base + F.inByt] = inByt;
    counters[base + F.outByt] = outByt;
    counters[base + F.tcpInPkt] = inPkt * tcpPkt;
    counters[base + F.tcpOutPkt] = outPkt * tcpPkt;
    counters[base + F.udpInPkt] = inPkt * (1 - tcpPkt);
    counters[base + F.udpOutPkt] = outPkt * (1 - tcpPkt);
    counters[base + F.tcpInByt] = inByt * tcpByt;
    counters[base + F.tcpOutByt] = outByt * tcpByt;
    counters[base + F.udpInByt] = inByt * (1 - tcpByt);
    counters[base + F.udpOutByt] = outByt * (1 - tcpByt);
  }
  return { counters, nonEmpty: rows.length, sumFlows, sumPackets, sumBytes };
}

export function cesnetChunkFile(idIp: number): string {
  return `cesnet-${idIp}.nfga`;
}

/** Fails with a clear message when `inDir` is not the CESNET-TimeSeries24 folder. */
export function checkCesnetDir(inDir: string): void {
  const need = [join("ip_addresses_sample", "files.csv"), join("times", "times_10_minutes.csv.gz"), "ids_relationship.csv.gz"];
  if (!existsSync(inDir) || !statSync(inDir).isDirectory()) throw new Error(`input folder ${inDir} does not exist`);
  for (const rel of need) {
    if (!existsSync(join(inDir, rel))) throw new Error(`input folder ${inDir} is not the CESNET-TimeSeries24 folder: ${rel} is missing`);
  }
}

/** Selects IPs, writes one chunk per IP (cesnet-<id_ip>.nfga) and manifest.json into `outDir`. */
export function loadCesnet(options: CesnetLoadOptions): SeriesLoadResult {
  const inDir = resolve(options.inDir);
  const outDir = resolve(options.outDir);
  checkCesnetDir(inDir);
  const stratum = options.stratum ?? "all";
  let selected = readCesnetIndex(inDir).filter((e) => stratum === "all" || e.stratum === stratum);
  if (options.ids !== undefined) {
    const ids = new Set(options.ids);
    selected = selected.filter((e) => ids.has(e.idIp));
    const missing = [...ids].filter((id) => !selected.some((e) => e.idIp === id));
    if (missing.length > 0) throw new Error(`id_ip ${missing.join(", ")} not in files.csv${stratum === "all" ? "" : ` (stratum ${stratum})`}`);
  }
  if (options.ips !== undefined) selected = selected.slice(0, options.ips);
  if (selected.length === 0) throw new Error("no IPs selected");

  const minutes = readCesnetTimes(inDir);
  const axis = minutes.length;
  const institutions = readCesnetInstitutions(inDir, new Set(selected.map((e) => e.idIp)));
  ensureDir(outDir);

  // Every chunk has the same axis and mask, so the columns are built once and reused.
  const counters = new Float64Array(axis * FEATURE_COUNT);
  const template = unavailableTemplate(CESNET_FEATURES);
  const unavailable = new Uint8Array(axis * FEATURE_COUNT);
  for (let k = 0; k < axis; k++) unavailable.set(template, k * FEATURE_COUNT);
  const zeros = new Uint32Array(axis);

  const nodes: SeriesManifestNode[] = [];
  let bytesWritten = 0;
  for (const entry of selected) {
    const rel = institutions.get(entry.idIp);
    if (rel === undefined) throw new Error(`id_ip ${entry.idIp} is not in ids_relationship.csv.gz`);
    const path = join(inDir, "ip_addresses_sample", "agg_10_minutes", `${entry.idIp}.csv.gz`);
    if (!existsSync(path)) throw new Error(`${path} is missing`);
    const series = cesnetSeriesFromCsv(gunzipText(path), path, axis, counters);
    const node = cesnetNodeAddress(entry.idIp);
    const customer = cesnetCustomer(rel[0]);
    const chunk: MinuteArchive = {
      tenant: CESNET_TENANT,
      shard: CESNET_SHARD,
      nodes: [node],
      customers: [customer],
      node: zeros,
      customer: zeros,
      minute: minutes,
      counters,
      unavailable,
    };
    const file = cesnetChunkFile(entry.idIp);
    const bytes = writeChunk(outDir, file, chunk);
    bytesWritten += bytes;
    nodes.push({
      node,
      customer,
      file,
      rows: axis,
      bytes,
      firstMinute: minutes[0]!,
      lastMinute: minutes[axis - 1]!,
      meta: {
        id_ip: entry.idIp,
        stratum: entry.stratum,
        id_institution: rel[0],
        id_institution_subnet: rel[1],
        device_group: entry.deviceGroup,
        device_class: entry.deviceClass,
        non_empty_windows: series.nonEmpty,
        sum_n_flows: series.sumFlows,
        sum_n_packets: series.sumPackets,
        sum_n_bytes: series.sumBytes,
      },
    });
  }

  const first = minutes[0]!;
  const last = minutes[axis - 1]!;
  const manifest: SeriesManifest = {
    format: "netflowgen.series-manifest",
    version: 1,
    source: CESNET_SOURCE,
    tenant: CESNET_TENANT,
    shard: CESNET_SHARD,
    stepMinutes: CESNET_STEP_MINUTES,
    timeZone: "UTC",
    timeRange: { firstMinute: first, lastMinute: last, firstUtc: minuteIso(first), lastUtc: minuteIso(last) },
    rows: axis * nodes.length,
    bytes: bytesWritten,
    nodes,
    features: CESNET_FEATURES,
    notes: CESNET_NOTES,
    citation: CESNET_CITATION,
    licence: CESNET_LICENCE,
  };
  const written = writeManifest(outDir, manifest);
  return { manifest, manifestPath: written.path, bytesWritten: bytesWritten + written.bytes };
}
