/** @module Training data: a dataset directory (manifest.json + `<split>.windows.bin`) validated up front, with the node → embedding-row and customer maps of the decoder. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { BIN_COUNT, FEATURE_COUNT, FEATURE_SCHEMA_HASH, FEATURE_SCHEMA_HASH_HEX } from "../../shared/features/catalogue.js";
import { DATASET_FORMAT } from "../data/dataset/build.js";
import { decodeWindows, WINDOWS_FLAG_MASK, WINDOWS_HEADER_BYTES, WINDOWS_MAGIC, WINDOWS_VERSION, type WindowRecord } from "../data/dataset/windows-file.js";
import { DataError } from "./errors.js";

/** One manifest node with the embedding rows the decoder uses for it. */
export interface TrainNode {
  readonly index: number;
  readonly node: string;
  readonly customer: string;
  readonly inTrain: boolean;
  /** row of `wNode`: its own index, or for an unseen node (paper §7.1) the index of the training node it maps to */
  readonly embedNode: number;
  /** row of `wCustomer`: its customer's, or the mapped node's when its customer has no training node */
  readonly embedCustomer: number;
}

/** What pre-training reads: the train and val windows (W minutes each) and the node tables. */
export interface TrainData {
  /** where it came from (a dataset directory, or "archives:DIR") */
  readonly source: string;
  /** steps per window */
  readonly window: number;
  /** minutes per step (manifest window.stepMinutes; absent = 1, the minute grid) */
  readonly stepMinutes?: number;
  readonly nodes: readonly TrainNode[];
  /** distinct customers, in order of first appearance among the nodes: the rows of `wCustomer` */
  readonly customers: readonly string[];
  readonly train: readonly WindowRecord[];
  readonly val: readonly WindowRecord[];
  /** the tenant's offset from UTC in minutes (manifest timeZone; 0 = UTC): the time features' clock */
  readonly utcOffsetMinutes: number;
  /** manifest split boundaries (epoch minutes), for the log */
  readonly ranges: Readonly<Record<string, { startMinute: number; endMinute: number }>>;
}

/** The manifest fields pre-training reads (cloud/data/dataset/build.ts `datasetManifest`). */
export interface ManifestNode {
  readonly index: number;
  readonly node: string;
  readonly customer: string;
  readonly inTrain: boolean;
  readonly cutoffsFrom: string;
}

/** Node and customer embedding rows from the manifest's node list (see TrainNode). */
export function nodeTables(list: readonly ManifestNode[]): { nodes: TrainNode[]; customers: string[] } {
  const customers: string[] = [];
  const customerIndex = new Map<string, number>();
  const trainedCustomers = new Set(list.filter((n) => n.inTrain).map((n) => n.customer));
  for (const n of list) {
    if (!customerIndex.has(n.customer)) {
      customerIndex.set(n.customer, customers.length);
      customers.push(n.customer);
    }
  }
  const byName = new Map(list.map((n) => [n.node, n]));
  const nodes = list.map((n, i): TrainNode => {
    if (n.index !== i) throw new DataError("bad-manifest", `manifest.json: nodes[${i}] has index ${n.index}`);
    const mapped = n.inTrain ? n : byName.get(n.cutoffsFrom);
    if (mapped === undefined) throw new DataError("bad-manifest", `manifest.json: node ${n.node} maps to unknown node ${n.cutoffsFrom}`);
    const customer = trainedCustomers.has(n.customer) ? n.customer : mapped.customer;
    return { index: i, node: n.node, customer: n.customer, inTrain: n.inTrain, embedNode: mapped.index, embedCustomer: customerIndex.get(customer)! };
  });
  return { nodes, customers };
}

function fail(code: ConstructorParameters<typeof DataError>[0], message: string): never {
  throw new DataError(code, message);
}

/**
 * Reads and checks one window file: header (magic, version, schema hash, feature count, window
 * length), exact size (a truncated file is named as such), the manifest's window count, node
 * indices and bin range. Masks, if any, are dropped (an unavailable feature's bin is 0).
 */
export function readWindowFile(path: string, window: number, expectedCount: number, nodeCount: number, keepMasks = false): WindowRecord[] {
  if (!existsSync(path)) fail("missing", `${path}: no such window file`);
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.length < WINDOWS_HEADER_BYTES) fail("truncated", `${path} is truncated: ${bytes.length} bytes, shorter than the ${WINDOWS_HEADER_BYTES}-byte header`);
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (magic !== WINDOWS_MAGIC) fail("bad-windows", `${path}: not a window file (magic ${JSON.stringify(magic)})`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint16(4, true) !== WINDOWS_VERSION) fail("bad-windows", `${path}: window file version ${v.getUint16(4, true)}, this build reads ${WINDOWS_VERSION}`);
  const hash = v.getUint32(8, true);
  if (hash !== FEATURE_SCHEMA_HASH)
    fail("schema-hash", `${path}: feature schema hash ${hash.toString(16).padStart(8, "0")} is not this build's ${FEATURE_SCHEMA_HASH_HEX}; rebuild the dataset with \`netflowgen data build\``);
  const count = v.getUint32(12, true);
  const T = v.getUint32(16, true);
  if (v.getUint32(20, true) !== FEATURE_COUNT) fail("bad-windows", `${path}: ${v.getUint32(20, true)} features per minute, expected ${FEATURE_COUNT}`);
  if (T !== window) fail("bad-windows", `${path}: windows of ${T} minutes, the manifest says ${window}`);
  const masked = (v.getUint16(6, true) & WINDOWS_FLAG_MASK) !== 0;
  const expectedBytes = WINDOWS_HEADER_BYTES + count * (8 + T * FEATURE_COUNT * (masked ? 2 : 1));
  if (bytes.length < expectedBytes) fail("truncated", `${path} is truncated: ${bytes.length} bytes, ${count} windows of ${T} minutes need ${expectedBytes}`);
  if (bytes.length > expectedBytes) fail("bad-windows", `${path}: ${bytes.length - expectedBytes} bytes after the last window`);
  if (count !== expectedCount) fail("bad-windows", `${path}: ${count} windows, the manifest says ${expectedCount}`);
  const windows = decodeWindows(bytes).windows.map((w) => (keepMasks && w.unavailable !== undefined ? w : { node: w.node, startMinute: w.startMinute, bins: w.bins }));
  checkWindows(path, windows, nodeCount);
  return windows;
}

/** Node indices in range and bins in [0, BIN_COUNT). */
export function checkWindows(what: string, windows: readonly WindowRecord[], nodeCount: number): void {
  for (const [i, w] of windows.entries()) {
    if (w.node >= nodeCount) fail("bad-windows", `${what}: window ${i} has node index ${w.node}, the manifest has ${nodeCount} nodes`);
    for (const b of w.bins) if (b >= BIN_COUNT) fail("bad-windows", `${what}: window ${i} has bin ${b} ≥ ${BIN_COUNT}`);
  }
}

interface ManifestSplit {
  name: string;
  startMinute: number;
  endMinute: number;
  windows: number;
  file: string;
}

function readManifest(dir: string): { window: number; stepMinutes: number; nodes: ManifestNode[]; splits: ManifestSplit[]; utcOffsetMinutes: number } {
  const path = join(dir, "manifest.json");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail("missing", `${dir}: no such dataset directory`);
  if (!existsSync(path)) fail("missing", `${path}: no manifest; build a dataset with \`netflowgen data build\` (or pass --archives DIR)`);
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (err) {
    fail("bad-manifest", `${path}: not JSON (${(err as Error).message})`);
  }
  if (typeof m !== "object" || m === null || m.format !== DATASET_FORMAT) fail("bad-manifest", `${path}: format ${JSON.stringify(m?.format)}, expected ${DATASET_FORMAT}`);
  if (m.version !== 1) fail("bad-manifest", `${path}: version ${JSON.stringify(m.version)}, this build reads 1`);
  if (m.schemaHash !== FEATURE_SCHEMA_HASH_HEX)
    fail("schema-hash", `${path}: feature schema hash ${JSON.stringify(m.schemaHash)} is not this build's ${FEATURE_SCHEMA_HASH_HEX} (the feature catalogue changed); rebuild the dataset with \`netflowgen data build\``);
  if (m.featureCount !== FEATURE_COUNT || m.binCount !== BIN_COUNT) fail("bad-manifest", `${path}: ${String(m.featureCount)} features of ${String(m.binCount)} bins, expected ${FEATURE_COUNT} of ${BIN_COUNT}`);
  const window = (m.window as { length?: unknown } | undefined)?.length;
  if (typeof window !== "number" || !Number.isInteger(window) || window < 2) fail("bad-manifest", `${path}: window.length ${JSON.stringify(window)} is not an integer ≥ 2`);
  if (!Array.isArray(m.nodes) || !Array.isArray(m.splits)) fail("bad-manifest", `${path}: nodes and splits must be arrays`);
  const offset = (m.timeZone as { utcOffsetMinutes?: unknown } | undefined)?.utcOffsetMinutes ?? 0; // manifests before timeZone: UTC
  if (typeof offset !== "number" || !Number.isInteger(offset) || Math.abs(offset) > 900) fail("bad-manifest", `${path}: timeZone.utcOffsetMinutes ${JSON.stringify(offset)} is not an integer number of minutes`);
  const step = (m.window as { stepMinutes?: unknown }).stepMinutes ?? 1;
  if (typeof step !== "number" || !Number.isInteger(step) || step < 1) fail("bad-manifest", `${path}: window.stepMinutes ${JSON.stringify(step)} is not a positive integer`);
  return { window, stepMinutes: step, nodes: m.nodes as ManifestNode[], splits: m.splits as ManifestSplit[], utcOffsetMinutes: offset };
}

/** Loads and validates a dataset directory; every check runs here, before any model exists. */
export function loadDatasetDir(dir: string): TrainData {
  const m = readManifest(dir);
  const { nodes, customers } = nodeTables(m.nodes);
  const split = (name: string): WindowRecord[] => {
    const s = m.splits.find((x) => x.name === name);
    if (s === undefined) fail("bad-manifest", `${join(dir, "manifest.json")}: no ${name} split`);
    if (s.windows === 0) fail("empty-split", `${dir}: the ${name} split has no windows (the data is shorter than a ${m.window}-minute window there); use more data or a smaller --window`);
    return readWindowFile(join(dir, s.file), m.window, s.windows, nodes.length);
  };
  const train = split("train");
  const val = split("val");
  const ranges = Object.fromEntries(m.splits.map((s) => [s.name, { startMinute: s.startMinute, endMinute: s.endMinute }]));
  return { source: dir, window: m.window, ...(m.stepMinutes !== 1 ? { stepMinutes: m.stepMinutes } : {}), nodes, customers, train, val, ranges, utcOffsetMinutes: m.utcOffsetMinutes };
}

/**
 * One split's windows of a dataset directory (checked like loadDatasetDir's), with their
 * unavailable masks when the file has them, and the dataset's node tables: what an
 * evaluation-only run over a chosen split reads (eval-split.ts).
 */
export function loadSplit(dir: string, name: string): { data: TrainData; windows: WindowRecord[] } {
  const m = readManifest(dir);
  const { nodes, customers } = nodeTables(m.nodes);
  const s = m.splits.find((x) => x.name === name);
  if (s === undefined) fail("bad-manifest", `${join(dir, "manifest.json")}: no ${name} split`);
  if (s.windows === 0) fail("empty-split", `${dir}: the ${name} split has no windows`);
  const windows = readWindowFile(join(dir, s.file), m.window, s.windows, nodes.length, true);
  const train = readWindowFile(join(dir, m.splits.find((x) => x.name === "train")?.file ?? "train.windows.bin"), m.window, m.splits.find((x) => x.name === "train")?.windows ?? 0, nodes.length);
  const ranges = Object.fromEntries(m.splits.map((x) => [x.name, { startMinute: x.startMinute, endMinute: x.endMinute }]));
  const data: TrainData = { source: dir, window: m.window, ...(m.stepMinutes !== 1 ? { stepMinutes: m.stepMinutes } : {}), nodes, customers, train, val: [], ranges, utcOffsetMinutes: m.utcOffsetMinutes };
  return { data, windows };
}

/** Rejects an empty train or val split (also for data built in memory). */
export function checkSplits(data: TrainData): void {
  for (const name of ["train", "val"] as const) {
    if (data[name].length === 0) fail("empty-split", `${data.source}: the ${name} split has no windows (the data is shorter than a ${data.window}-minute window there); use more data or a smaller --window`);
  }
}
