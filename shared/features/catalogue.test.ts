// Tests for the feature catalogue: counts per group (Table 3), fixed order, and the pinned schema hash.
import { describe, expect, it } from "vitest";
import { FEATURE_COUNT, FEATURE_NAMES, FEATURE_SCHEMA_HASH, FEATURE_SCHEMA_HASH_HEX, FEATURES, featureIndex } from "./catalogue.js";

describe("feature catalogue", () => {
  it("has the 86 features of Table 3 with 48 port features", () => {
    expect(FEATURE_COUNT).toBe(86);
    const count = (group: string) => FEATURES.filter((f) => f.group === group).length;
    expect(count("volume")).toBe(6);
    expect(count("protocol")).toBe(24);
    expect(count("port")).toBe(48);
    expect(count("tcpflags")).toBe(8);
    expect(new Set(FEATURE_NAMES).size).toBe(86);
  });

  it("keeps its documented order", () => {
    expect(FEATURE_NAMES.slice(0, 6)).toEqual(["volume_in_pkt", "volume_in_byt", "volume_in_flow", "volume_out_pkt", "volume_out_byt", "volume_out_flow"]);
    expect(featureIndex("proto_icmp_in_pkt")).toBe(6);
    expect(featureIndex("proto_other_out_flow")).toBe(29);
    expect(featureIndex("port_p0_in_pkt")).toBe(30);
    expect(featureIndex("port_p53_in_byt")).toBe(37);
    expect(featureIndex("port_private_out_flow")).toBe(77);
    expect(FEATURE_NAMES.slice(78)).toEqual([0, 16, 24, 2, 17, 18, 4, 25].map((v) => `tcpflags_${v}_out_flow`));
    expect(() => featureIndex("nope")).toThrow(RangeError);
  });

  it("pins the schema hash, so any change to the order is deliberate", () => {
    // Changing the catalogue must bump FEATURE_SCHEMA_VERSION and this value together.
    expect(FEATURE_SCHEMA_HASH_HEX).toBe("aade23c8");
    expect(FEATURE_SCHEMA_HASH).toBe(0xaade23c8);
  });
});
