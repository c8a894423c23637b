// Tests for the 122 time dimensions and time-zone offsets.
import { describe, expect, it } from "vitest";
import { MINUTE_MS } from "./aggregate.js";
import { TIME_DIMS, timeIndices, timeOneHot, timeSlots, zoneOffsetMinutes } from "./time.js";

const minuteOf = (iso: string) => Date.parse(iso) / MINUTE_MS;

describe("time features", () => {
  it("maps known instants to weekday, day, minute and hour", () => {
    expect(timeSlots(minuteOf("2024-01-01T00:00:00Z"))).toEqual({ weekday: 0, dayOfMonth: 1, minute: 0, hour: 0 }); // a Monday
    expect(timeIndices(minuteOf("2024-03-15T13:47:00Z"))).toEqual([4, 7 + 14, 38 + 47, 98 + 13]); // a Friday
    expect(timeIndices(minuteOf("2024-03-31T23:59:00Z"))).toEqual([6, 7 + 30, 38 + 59, 98 + 23]); // a Sunday, day 31
  });

  it("writes exactly four ones, one per block", () => {
    const v = timeOneHot(minuteOf("2025-07-04T08:05:00Z"));
    expect(v).toHaveLength(TIME_DIMS);
    expect(v.reduce((a, b) => a + b, 0)).toBe(4);
    for (const [lo, hi] of [[0, 7], [7, 38], [38, 98], [98, 122]]) expect(v.slice(lo, hi).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("shifts by a tenant's offset and follows daylight saving", () => {
    const m = minuteOf("2024-01-01T23:30:00Z");
    expect(timeSlots(m, 60)).toEqual({ weekday: 1, dayOfMonth: 2, minute: 30, hour: 0 });
    expect(zoneOffsetMinutes("Europe/Prague", Date.parse("2024-01-15T12:00:00Z"))).toBe(60);
    expect(zoneOffsetMinutes("Europe/Prague", Date.parse("2024-07-15T12:00:00Z"))).toBe(120);
    expect(zoneOffsetMinutes("America/New_York", Date.parse("2024-01-15T12:00:00Z"))).toBe(-300);
    expect(zoneOffsetMinutes("Asia/Kolkata", Date.parse("2024-01-15T12:00:00Z"))).toBe(330);
    expect(zoneOffsetMinutes("UTC", 0)).toBe(0);
    expect(() => zoneOffsetMinutes("Mars/Olympus", 0)).toThrow(RangeError);
  });
});
