/** @module Addresses and ports on the far side of a flow: public Internet hosts outside the tenant, and ephemeral ports. */
import { formatIPv4 } from "../../../shared/flow/ip.js";
import type { NodeMatcher } from "../../../shared/features/nodes.js";
import type { Rng } from "./rng.js";

/** True for addresses that are not routable public unicast (private, loopback, documentation, multicast, ...). */
export function isReservedV4(a: number): boolean {
  const o1 = a >>> 24;
  const o2 = (a >>> 16) & 255;
  if (o1 === 0 || o1 === 10 || o1 === 127 || o1 >= 224) return true;
  if (o1 === 100 && o2 >= 64 && o2 < 128) return true;
  if (o1 === 169 && o2 === 254) return true;
  if (o1 === 172 && o2 >= 16 && o2 < 32) return true;
  if (o1 === 192 && (o2 === 168 || (o2 === 0 && ((a >>> 8) & 255) === 2))) return true;
  if (o1 === 198 && (o2 === 18 || o2 === 19 || (o2 === 51 && ((a >>> 8) & 255) === 100))) return true;
  if (o1 === 203 && o2 === 0 && ((a >>> 8) & 255) === 113) return true;
  return false;
}

/** A public address outside the tenant, as a u32. */
export function remoteV4(rng: Rng, tenant: NodeMatcher): number {
  for (;;) {
    const a = Math.floor(rng.next() * 4294967296) >>> 0;
    if (!isReservedV4(a) && tenant.matchV4(a) < 0) return a;
  }
}

/** A public address outside the tenant, as text. */
export function remoteAddress(rng: Rng, tenant: NodeMatcher): string {
  return formatIPv4(remoteV4(rng, tenant));
}

/** An ephemeral port as clients pick them: Linux 32768–60999 or Windows/IANA 49152–65535. */
export function ephemeralPort(rng: Rng): number {
  return rng.chance(0.5) ? rng.int(32768, 60999) : rng.int(49152, 65535);
}
