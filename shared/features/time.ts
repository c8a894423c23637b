/** @module Time features: weekday, day of month, minute of hour and hour of day as 122 one-hot dimensions. */
import { MINUTE_MS } from "./aggregate.js";

/**
 * Layout of the 122 time dimensions (paper Fig. 3, "7+31+60+24"):
 *   0..6     weekday, 0 = Monday … 6 = Sunday (ISO order)
 *   7..37    day of month, 1..31 at 7 + (day − 1)
 *   38..97   minute of hour, 0..59
 *   98..121  hour of day, 0..23
 * Computed in the tenant's time zone (UTC by default).
 */
export const WEEKDAY_OFFSET = 0;
export const DAY_OF_MONTH_OFFSET = 7;
export const MINUTE_OF_HOUR_OFFSET = 38;
export const HOUR_OF_DAY_OFFSET = 98;
export const TIME_DIMS = 122;

export interface TimeSlots {
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
  /** 1..31 */
  dayOfMonth: number;
  minute: number;
  hour: number;
}

/** Calendar slots of an epoch minute, shifted by a UTC offset in minutes (e.g. +60 for CET). */
export function timeSlots(epochMinute: number, utcOffsetMinutes = 0): TimeSlots {
  const d = new Date((epochMinute + utcOffsetMinutes) * MINUTE_MS);
  return {
    weekday: (d.getUTCDay() + 6) % 7,
    dayOfMonth: d.getUTCDate(),
    minute: d.getUTCMinutes(),
    hour: d.getUTCHours(),
  };
}

/** The four hot indices (ascending) into the 122 time dimensions. */
export function timeIndices(epochMinute: number, utcOffsetMinutes = 0): [number, number, number, number] {
  const s = timeSlots(epochMinute, utcOffsetMinutes);
  return [
    WEEKDAY_OFFSET + s.weekday,
    DAY_OF_MONTH_OFFSET + s.dayOfMonth - 1,
    MINUTE_OF_HOUR_OFFSET + s.minute,
    HOUR_OF_DAY_OFFSET + s.hour,
  ];
}

/** Writes the 122-dim one-hot of an epoch minute into `out` (zeroed first) and returns it. */
export function timeOneHot(epochMinute: number, utcOffsetMinutes = 0, out: Float32Array = new Float32Array(TIME_DIMS)): Float32Array {
  out.fill(0, 0, TIME_DIMS);
  for (const i of timeIndices(epochMinute, utcOffsetMinutes)) out[i] = 1;
  return out;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * UTC offset in minutes of an IANA time zone (e.g. "Europe/Prague") at an instant, from Intl,
 * so daylight-saving changes are followed. Throws RangeError for an unknown zone.
 */
export function zoneOffsetMinutes(timeZone: string, epochMs: number): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return 0;
  let fmt = offsetFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    offsetFormatters.set(timeZone, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(epochMs))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  const utcMinuteStart = Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
  return Math.round((local - utcMinuteStart) / MINUTE_MS);
}
