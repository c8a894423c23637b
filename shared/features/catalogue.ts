/** @module The 86 traffic features of paper Table 3: their one fixed order, names, index helpers and schema hash. */
import { fnv1a32, hashHex } from "../hash.js";

/**
 * Feature order (index ranges), fixed forever for schema version 1:
 *
 *   0..5    volume:   direction (in, out) × type (pkt, byt, flow)
 *   6..29   protocol: class (icmp, tcp, udp, other) × direction × type
 *   30..77  port:     class (p0, p53, p80, p123, p443, wellknown, registered, private) × direction × type
 *   78..85  tcp flags (outbound flows only): 0, 16, 24, 2, 17, 18, 4, 25
 *
 * Within every group the innermost order is type (pkt, byt, flow), then direction (in, out),
 * then class. Example: `port_p53_in_byt` is index 30 + 1·6 + 0·3 + 1 = 37.
 */
export const DIRECTIONS = ["in", "out"] as const;
export const TRAFFIC_TYPES = ["pkt", "byt", "flow"] as const;
export const PROTOCOL_CLASSES = ["icmp", "tcp", "udp", "other"] as const;
export const PORT_CLASSES = ["p0", "p53", "p80", "p123", "p443", "wellknown", "registered", "private"] as const;
/** The eight TCP flag-byte values of Table 3, in the paper's order. */
export const TCP_FLAG_VALUES = [0, 16, 24, 2, 17, 18, 4, 25] as const;

export type Direction = (typeof DIRECTIONS)[number];
export type TrafficType = (typeof TRAFFIC_TYPES)[number];
export type FeatureGroup = "volume" | "protocol" | "port" | "tcpflags";

export const FEATURE_COUNT = 86;
/** Bins per feature (paper: N = 10; bin 0 holds exactly the zeros). */
export const BIN_COUNT = 10;

export const VOLUME_OFFSET = 0;
export const PROTOCOL_OFFSET = 6;
export const PORT_OFFSET = 30;
export const TCP_FLAGS_OFFSET = 78;

/** Size of one (direction × type) block: 6 counters. */
export const BLOCK = DIRECTIONS.length * TRAFFIC_TYPES.length;

export interface FeatureDescriptor {
  readonly index: number;
  readonly name: string;
  readonly group: FeatureGroup;
  /** Protocol class, port class, or flag value; absent for the volume group. */
  readonly value?: string;
  readonly direction: Direction;
  readonly type: TrafficType;
}

function describeBlock(group: FeatureGroup, offset: number, value?: string): FeatureDescriptor[] {
  const out: FeatureDescriptor[] = [];
  DIRECTIONS.forEach((direction, d) =>
    TRAFFIC_TYPES.forEach((type, t) => {
      const prefix = value === undefined ? group : `${group === "protocol" ? "proto" : group}_${value}`;
      out.push({ index: offset + d * 3 + t, name: `${prefix}_${direction}_${type}`, group, value, direction, type });
    }),
  );
  return out;
}

function buildCatalogue(): readonly FeatureDescriptor[] {
  const features: FeatureDescriptor[] = [...describeBlock("volume", VOLUME_OFFSET)];
  PROTOCOL_CLASSES.forEach((cls, i) => features.push(...describeBlock("protocol", PROTOCOL_OFFSET + i * BLOCK, cls)));
  PORT_CLASSES.forEach((cls, i) => features.push(...describeBlock("port", PORT_OFFSET + i * BLOCK, cls)));
  TCP_FLAG_VALUES.forEach((flags, i) =>
    features.push({
      index: TCP_FLAGS_OFFSET + i,
      name: `tcpflags_${flags}_out_flow`,
      group: "tcpflags",
      value: String(flags),
      direction: "out",
      type: "flow",
    }),
  );
  if (features.length !== FEATURE_COUNT) throw new Error(`catalogue has ${features.length} features, expected ${FEATURE_COUNT}`);
  features.forEach((f, i) => {
    if (f.index !== i) throw new Error(`feature ${f.name} has index ${f.index}, expected ${i}`);
  });
  return Object.freeze(features.map((f) => Object.freeze(f)));
}

/** All 86 features in their fixed order. */
export const FEATURES: readonly FeatureDescriptor[] = buildCatalogue();
export const FEATURE_NAMES: readonly string[] = Object.freeze(FEATURES.map((f) => f.name));

const INDEX_BY_NAME: ReadonlyMap<string, number> = new Map(FEATURES.map((f) => [f.name, f.index]));

/** Index of a feature by name; throws on an unknown name. */
export function featureIndex(name: string): number {
  const index = INDEX_BY_NAME.get(name);
  if (index === undefined) throw new RangeError(`unknown feature: ${name}`);
  return index;
}

/** Feature-schema version; bump together with any change to the order above. */
export const FEATURE_SCHEMA_VERSION = 1;

/**
 * Stable hash of the feature schema: FNV-1a 32 of "netflowgen-features/v{version}/{bins}:" followed
 * by the feature names joined by ",". Every wire format carries it, so that a model, a cutoff table
 * or a token frame built for another feature order is rejected.
 */
export const FEATURE_SCHEMA_HASH: number = fnv1a32(
  `netflowgen-features/v${FEATURE_SCHEMA_VERSION}/${BIN_COUNT}:${FEATURE_NAMES.join(",")}`,
);
export const FEATURE_SCHEMA_HASH_HEX: string = hashHex(FEATURE_SCHEMA_HASH);
