/** @module Parsing `--to HOST:PORT` for UDP output, refusing anything but a loopback address (the simulator must never spray traffic at a network). */
import { isIP } from "node:net";

export interface LoopbackTarget {
  host: string;
  port: number;
  family: 4 | 6;
}

export class NotLoopbackError extends Error {
  override readonly name = "NotLoopbackError";
}

/** Accepts 127.0.0.0/8, ::1 (as [::1]:PORT) and localhost (→ 127.0.0.1). Throws NotLoopbackError otherwise. */
export function parseLoopbackTarget(text: string): LoopbackTarget {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) throw new NotLoopbackError(`--to ${JSON.stringify(text)}: expected HOST:PORT, e.g. 127.0.0.1:2055`);
  const port = Number(m[3]);
  if (!(port >= 1 && port <= 65535)) throw new NotLoopbackError(`--to ${JSON.stringify(text)}: port must be 1..65535`);
  const raw = (m[1] ?? m[2] ?? "").toLowerCase();
  const host = raw === "localhost" ? "127.0.0.1" : raw;
  const family = isIP(host);
  const loopback = (family === 4 && host.split(".")[0] === "127") || (family === 6 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(host));
  if (!loopback) throw new NotLoopbackError(`--to ${JSON.stringify(text)}: refusing to send to a non-loopback address; the simulator only sends UDP to 127.0.0.0/8 or ::1`);
  return { host, port, family: family as 4 | 6 };
}
