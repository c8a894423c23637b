/**
 * @module Field readers that work on a range [a, b) of a string by character codes, without slicing it: the hot path
 * of the text parsers. Each returns a sentinel (-1 or NaN) instead of throwing or allocating.
 */

const ZERO = 48;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Narrows [a, b) past leading and trailing spaces/tabs: returns the new start; `trimEnd` gives the new end. */
export function trimStart(s: string, a: number, b: number): number {
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  return a;
}

export function trimEnd(s: string, a: number, b: number): number {
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return b;
}

/** Unsigned decimal (surrounding blanks allowed, at most 20 digits); -1 when not one. */
export function readUint(s: string, a: number, b: number): number {
  if (a === b || !isDigit(s.charCodeAt(a)) || !isDigit(s.charCodeAt(b - 1))) {
    a = trimStart(s, a, b);
    b = trimEnd(s, a, b);
  }
  if (a === b || b - a > 20) return -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - ZERO);
  }
  return v;
}

/**
 * Dotted-quad IPv4 as an unsigned 32-bit number, -1 when not one. Accepts exactly what shared/flow/ip.ts
 * parseIPv4 accepts (1–3 digits per octet, no leading zero, at most 255), so callers may fall back to parseIp.
 */
export function readIpv4(s: string, a: number, b: number): number {
  let value = 0;
  let octets = 0;
  let i = a;
  while (octets < 4) {
    const start = i;
    let octet = 0;
    while (i < b && i - start < 4) {
      const c = s.charCodeAt(i);
      if (!isDigit(c)) break;
      octet = octet * 10 + (c - ZERO);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || octet > 255 || (len > 1 && s.charCodeAt(start) === ZERO)) return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (i >= b || s.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === b ? value : -1;
}

function twoDigits(s: string, i: number): number {
  const c1 = s.charCodeAt(i);
  const c2 = s.charCodeAt(i + 1);
  return isDigit(c1) && isDigit(c2) ? (c1 - ZERO) * 10 + (c2 - ZERO) : -1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// The last date converted: flow times in one body mostly share their day.
let cachedDate = -1;
let cachedDays = 0;

/**
 * `YYYY-MM-DD HH:MM:SS` (or `T` between) with an optional fraction and an optional `Z`, read as UTC, to epoch ms;
 * NaN when malformed. The fraction is decimal (`.5` = 500 ms, digits past the third are truncated) unless
 * `fractionIsMs`, for nfdump 1.6's JSON, which printed the milliseconds unpadded (`.5` = 5 ms).
 */
export function readDateTime(s: string, a: number, b: number, fractionIsMs = false): number {
  if (b - a < 19) return NaN;
  const y1 = twoDigits(s, a);
  const y2 = twoDigits(s, a + 2);
  const mo = twoDigits(s, a + 5);
  const d = twoDigits(s, a + 8);
  const h = twoDigits(s, a + 11);
  const mi = twoDigits(s, a + 14);
  const sec = twoDigits(s, a + 17);
  const sep = s.charCodeAt(a + 10);
  if (y1 < 0 || y2 < 0 || s.charCodeAt(a + 4) !== 45 || s.charCodeAt(a + 7) !== 45 || (sep !== 32 && sep !== 84)) return NaN;
  if (s.charCodeAt(a + 13) !== 58 || s.charCodeAt(a + 16) !== 58) return NaN;
  const y = y1 * 100 + y2;
  if (mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return NaN;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > MONTH_DAYS[mo - 1]! + (leap ? 1 : 0)) return NaN;
  let ms = 0;
  let i = a + 19;
  if (i < b && s.charCodeAt(i) === 46) {
    i++;
    const start = i;
    let value = 0;
    let scale = 100;
    while (i < b && isDigit(s.charCodeAt(i)) && i - start < 9) {
      const digit = s.charCodeAt(i) - ZERO;
      value = value * 10 + digit;
      if (scale >= 1) ms += digit * scale;
      scale /= 10;
      i++;
    }
    if (i === start) return NaN;
    if (fractionIsMs) {
      if (value > 999) return NaN;
      ms = value;
    }
  }
  if (i < b && s.charCodeAt(i) === 90) i++;
  if (i !== b) return NaN;
  const date = (y * 100 + mo) * 100 + d;
  if (date !== cachedDate) {
    cachedDays = daysFromCivil(y, mo, d);
    cachedDate = date;
  }
  return ((cachedDays * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms;
}

/**
 * A duration in seconds with a decimal fraction (nfdump's `%.3f`, e.g. `0.042`), to milliseconds rounded half up;
 * NaN when malformed. The integer part may be long (nfdump prints a negative duration as 2^64 wrap-around).
 */
export function readSeconds(s: string, a: number, b: number): number {
  a = trimStart(s, a, b);
  b = trimEnd(s, a, b);
  let i = a;
  let whole = 0;
  while (i < b && isDigit(s.charCodeAt(i))) whole = whole * 10 + (s.charCodeAt(i++) - ZERO);
  if (i === a || i - a > 20) return NaN;
  let ms = whole * 1000;
  if (i < b && s.charCodeAt(i) === 46) {
    i++;
    const start = i;
    let scale = 100;
    while (i < b && isDigit(s.charCodeAt(i))) {
      const digit = s.charCodeAt(i) - ZERO;
      if (scale >= 1) ms += digit * scale;
      else if (scale >= 0.1 && digit >= 5) ms += 1;
      scale /= 10;
      i++;
    }
    if (i === start || i - start > 9) return NaN;
  }
  return i === b ? ms : NaN;
}

/** A port, or for ICMP nfdump's `type.code` (type·256 + code); -1 when malformed. May exceed 65535: check range. */
export function readPort(s: string, a: number, b: number): number {
  let dot = -1;
  for (let i = a; i < b; i++) {
    if (s.charCodeAt(i) === 46) {
      dot = i;
      break;
    }
  }
  if (dot < 0) return readUint(s, a, b);
  const type = readUint(s, a, dot);
  const code = readUint(s, dot + 1, b);
  return type < 0 || code < 0 || type > 255 || code > 255 ? -1 : type * 256 + code;
}

const FLAG_LETTERS = "CEUAPRSF";

/**
 * TCP flags: nfdump's 8-character string (`CEUAPRSF` by position, `.` = off, e.g. `...A.RSF`), the older
 * 6-character `UAPRSF` form, decimal, or `0x` hex; -1 when malformed or above 255.
 */
export function readTcpFlags(s: string, a: number, b: number): number {
  a = trimStart(s, a, b);
  b = trimEnd(s, a, b);
  const len = b - a;
  const c0 = s.charCodeAt(a);
  if ((len === 8 || len === 6) && !isDigit(c0)) {
    const offset = 8 - len;
    let v = 0;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(a + i);
      if (c === FLAG_LETTERS.charCodeAt(offset + i)) v |= 1 << (7 - offset - i);
      else if (c !== 46) return -1;
    }
    return v;
  }
  if (len > 2 && c0 === ZERO && (s.charCodeAt(a + 1) | 32) === 120) {
    let v = 0;
    for (let i = a + 2; i < b; i++) {
      const h = hexDigit(s.charCodeAt(i));
      if (h < 0) return -1;
      v = v * 16 + h;
      if (v > 255) return -1;
    }
    return v;
  }
  const v = readUint(s, a, b);
  return v > 255 ? -1 : v;
}

function hexDigit(c: number): number {
  if (isDigit(c)) return c - ZERO;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}
