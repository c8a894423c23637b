/** @module The relay's log: one logfmt line per event (time, level, event, fields), and the key hint that keeps secrets out of it. */

export type LogLevel = "info" | "warn" | "error";
export type LogValue = string | number | boolean | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

/** `2026-11-23T13:27:00.000Z level=info event=relay.listening listen=127.0.0.1:2055` — values with spaces or quotes are JSON-quoted, so a line never breaks. */
export function formatLogLine(timeMs: number, level: LogLevel, event: string, fields: LogFields = {}): string {
  let line = `${new Date(timeMs).toISOString()} level=${level} event=${event}`;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const s = String(v);
    line += ` ${k}=${/^[\w.:/@%+,[\]-]+$/.test(s) ? s : JSON.stringify(s)}`;
  }
  return line;
}

/** Writes each event as one line (to stderr by default). */
export function lineLogger(write: (line: string) => void = (line) => process.stderr.write(line + "\n")): Logger {
  return { log: (level, event, fields) => write(formatLogLine(Date.now(), level, event, fields)) };
}

export const silentLogger: Logger = { log: () => {} };

/** What may be printed of an API key: its first 4 characters at most, and only if the key is long enough that they reveal little. */
export function keyHint(key: string): string {
  return key.length >= 12 ? `${key.slice(0, 4)}…` : "…";
}

/** A URL for logs: no user name, password, query or fragment (they may carry secrets). */
export function urlForLog(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
