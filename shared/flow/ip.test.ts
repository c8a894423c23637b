// Unit and property tests for IP parsing, canonical formatting and CIDR prefixes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalIp, formatIPv6, parseIp, parseIPv4, parseIPv6, parsePrefix } from "./ip.js";

describe("IPv4", () => {
  it("parses and rejects", () => {
    expect(parseIPv4("192.0.2.1")).toBe(0xc0000201);
    expect(parseIPv4("255.255.255.255")).toBe(0xffffffff);
    for (const bad of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "a.b.c.d", "", "1..2.3"]) expect(parseIPv4(bad)).toBeNull();
  });
});

describe("IPv6", () => {
  it("parses the usual spellings", () => {
    expect(parseIPv6("::")).toEqual([0, 0, 0, 0]);
    expect(parseIPv6("::1")).toEqual([0, 0, 0, 1]);
    expect(parseIPv6("2001:db8::1")).toEqual([0x20010db8, 0, 0, 1]);
    expect(parseIPv6("2001:DB8:0:0:0:0:0:1")).toEqual([0x20010db8, 0, 0, 1]);
    expect(parseIPv6("64:ff9b::192.0.2.33")).toEqual([0x0064ff9b, 0, 0, 0xc0000221]);
  });
  it("rejects malformed text", () => {
    for (const bad of ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":::", "g::1", "1:2:3:4:5:6:7:8::"]) {
      expect(parseIPv6(bad), bad).toBeNull();
    }
  });
  it("formats canonically (RFC 5952)", () => {
    expect(formatIPv6([0x20010db8, 0, 0, 1])).toBe("2001:db8::1");
    expect(formatIPv6([0x20010db8, 0x00000001, 0, 1])).toBe("2001:db8:0:1::1");
    expect(formatIPv6([0x20010db8, 0x00010000, 0x00010000, 0x00010001])).toBe("2001:db8:1:0:1:0:1:1");
    expect(formatIPv6([0, 0, 0, 0])).toBe("::");
  });
  it("normalizes IPv4-mapped IPv6 to IPv4", () => {
    expect(canonicalIp("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(parseIp("::ffff:c000:201")?.family).toBe(4);
  });
  it("round-trips any address through its canonical text", () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0xffffffff)), (w) => {
        const words = w.map((x) => x >>> 0) as [number, number, number, number];
        if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return; // mapped: becomes IPv4
        const text = formatIPv6(words);
        expect(parseIPv6(text)).toEqual(words);
        expect(canonicalIp(text)).toBe(text);
      }),
    );
  });
});

describe("prefixes", () => {
  it("parses CIDR and bare addresses", () => {
    expect(parsePrefix("203.0.113.0/24")).toEqual({ prefix: { family: 4, words: [0xcb007100, 0, 0, 0], length: 24 } });
    expect(parsePrefix("2001:db8::/32")).toEqual({ prefix: { family: 6, words: [0x20010db8, 0, 0, 0], length: 32 } });
    expect(parsePrefix("192.0.2.7")).toMatchObject({ prefix: { length: 32 } });
    expect(parsePrefix("::ffff:10.0.0.0/104")).toMatchObject({ prefix: { family: 4, length: 8 } });
  });
  it("explains what is wrong", () => {
    expect(parsePrefix("10.0.0.1/8")).toEqual({ error: "host bits set below /8 in 10.0.0.1/8" });
    expect(parsePrefix("10.0.0.0/33")).toMatchObject({ error: expect.stringContaining("out of range") });
    expect(parsePrefix("nope/8")).toMatchObject({ error: expect.stringContaining("not an IP") });
    expect(parsePrefix("10.0.0.0/x")).toMatchObject({ error: expect.stringContaining("bad prefix length") });
  });
});
