/** @module Listen addresses (`HOST:PORT`, `[IPV6]:PORT`) and the exporter address of a received datagram, in the canonical text the edge keys templates by. */
import { formatIp, parseIp } from "../../shared/flow/ip.js";
import { RelayOptionError } from "./options.js";

export interface ListenAddress {
  host: string;
  port: number;
  family: 4 | 6;
}

/** Parses `127.0.0.1:2055`, `0.0.0.0:2055`, `[::1]:2055`, `[::]:2055`; throws with a message that says what is wrong. */
export function parseListenAddress(text: string): ListenAddress {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const m = bracketed ?? /^([^:[\]]+):(\d+)$/.exec(text);
  if (!m) throw new RelayOptionError(`listen: ${JSON.stringify(text)} is not HOST:PORT or [IPV6]:PORT`);
  const host = m[1]!;
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RelayOptionError(`listen: port ${m[2]} is out of range`);
  const ip = parseIp(host);
  if (!ip || (bracketed !== null) !== (ip.family === 6)) throw new RelayOptionError(`listen: ${JSON.stringify(host)} is not an IPv4 address, or an IPv6 address in brackets`);
  return { host: formatIp(ip), port, family: ip.family };
}

/**
 * The canonical exporter address of a datagram's sender, or null if it is not an IP address.
 * An IPv6 socket reports IPv4 senders as `::ffff:a.b.c.d`; they become `a.b.c.d`, so that an exporter
 * has one identity whichever socket received it. A zone (`fe80::1%eth0`) is dropped.
 */
export function exporterAddress(senderAddress: string): string | null {
  const noZone = senderAddress.split("%")[0]!;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(noZone);
  const ip = parseIp(mapped ? mapped[1]! : noZone);
  return ip ? formatIp(ip) : null;
}
