// End to end with a real exporter: softflowd replays a DDoS capture as IPFIX into the relay, the relay posts to the edge under
// `wrangler dev`, and the victim's per-minute features read back from the edge equal those computed from nfdump's ground truth.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelay, type Relay } from "../../../cloud/relay/relay.js";
import { silentLogger } from "../../../cloud/relay/log.js";
import { aggregateMinutes, MINUTE_MS } from "../../../shared/features/aggregate.js";
import { NodeSet } from "../../../shared/features/nodes.js";
import type { FlowRecord } from "../../../shared/flow/record.js";
import { startEdgeDev, type EdgeDev } from "../support/edge-dev.js";
import { EXTERNAL_DATA, HAVE_EXTERNAL_DATA, NO_EXTERNAL_DATA, readTruth } from "../support/nfdump-truth.js";

const HAVE_SOFTFLOWD = spawnSync("sh", ["-c", "command -v softflowd && command -v softflowctl"]).status === 0;
const SKIP_REASON = !HAVE_EXTERNAL_DATA ? NO_EXTERNAL_DATA : !HAVE_SOFTFLOWD ? "skipped: softflowd is not installed (apt-get install softflowd; .ci/run installs it)" : "";

/** Captures, the ground truth softflowd produced from them, and the victim (inside `prefix`). */
const CASES = [
  { name: "DNS amplification (RRSIG, fragments), 30 s", capture: "source-pcaps/stopddos/amp.dns.RRSIG.fragmented.pcap", truth: "stopddos.amp.dns.RRSIG.fragmented.ipfix.ms.csv", prefix: "10.10.10.0/24", victim: "10.10.10.10" },
  { name: "HTTP WebDDoS, 26 min", capture: "source-pcaps/cic-ddos2019-lucid/CIC-DDoS-2019-WebDDoS.pcap", truth: "cic2019.CIC-DDoS-2019-WebDDoS.ipfix.ms.csv", prefix: "192.168.50.0/24", victim: "192.168.50.1" },
];

/** Runs softflowd on a capture as the ground truth was made (IPFIX, absolute ms times), polling its control socket until it exits. */
async function replayWithSoftflowd(pcap: string, port: number, workDir: string): Promise<void> {
  const ctl = join(workDir, "softflowd.ctl");
  const child = spawn("softflowd", ["-r", pcap, "-n", `127.0.0.1:${port}`, "-v", "10", "-a", "-A", "milli", "-d", "-m", "65536", "-p", join(workDir, "softflowd.pid"), "-c", ctl], { stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + 60_000;
  while (!done) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("softflowd did not finish within 60 s");
    }
    spawnSync("softflowctl", ["-c", ctl, "statistics"], { stdio: "ignore", timeout: 2000 });
    await new Promise((r) => setTimeout(r, 100));
  }
  const code = await exited;
  if (code !== 0) throw new Error(`softflowd exited with ${code}`);
}

function truthFlows(truth: string): FlowRecord[] {
  // IPv6 rows are abbreviated by nfdump and cannot touch the IPv4 victim, so they are left out.
  return readTruth(truth)
    .filter((t) => !t.src.includes(":") && !t.dst.includes(":"))
    .map((t) => ({ ...t, samplingRate: 1, exporterId: "" }));
}

describe.skipIf(SKIP_REASON !== "")(`softflowd → relay → edge (wrangler dev) ${SKIP_REASON}`, () => {
  let edge: EdgeDev;
  let work: string;
  const relays: Relay[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "nfg-e2e-"));
    edge = await startEdgeDev();
  }, 120_000);

  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    await edge?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it.each(CASES.map((c, i) => ({ ...c, tenant: `e2e-${i}` })))("$name: the victim's minutes read back from the edge equal the features of nfdump's ground truth", async ({ capture, truth, prefix, victim, tenant }) => {
    const VICTIM = victim;
    const admin = { Authorization: `Bearer ${edge.adminToken}`, "Content-Type": "application/json" };
    const created = await fetch(`${edge.url}/v1/admin/tenants`, { method: "POST", headers: admin, body: JSON.stringify({ id: tenant, name: "E2E ISP", shards: 2 }) });
    expect(created.status).toBe(201);
    const { apiKey } = (await created.json()) as { apiKey: { key: string } };
    const auth = { Authorization: `Bearer ${apiKey.key}`, "Content-Type": "application/json" };
    expect((await fetch(`${edge.url}/v1/prefixes`, { method: "POST", headers: auth, body: JSON.stringify({ prefix, customer: "victim-co" }) })).status).toBe(201);

    const relay = await startRelay({ listen: "127.0.0.1:0", edge: edge.url, key: apiKey.key, bufferDir: join(work, tenant), logger: silentLogger, batchMs: 200, retryBaseMs: 100, retryMaxMs: 1000 });
    relays.push(relay);
    await replayWithSoftflowd(join(EXTERNAL_DATA, capture), relay.address.port, work);

    // Everything softflowd sent must reach the edge: received datagrams all posted, nothing buffered or dropped.
    await relay.flush();
    const deadline = Date.now() + 60_000;
    while (relay.stats().bufferedBatches > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const stats = relay.stats();
    expect(stats.bufferedBatches).toBe(0);
    expect(stats.received).toBeGreaterThan(0);
    expect(stats.sentDatagrams).toBe(stats.received);
    expect(stats.droppedDatagrams + stats.rejectedDatagrams).toBe(0);

    const flushed = await fetch(`${edge.url}/v1/admin/tenants/${tenant}/flush`, { method: "POST", headers: admin });
    expect(flushed.status).toBe(200);

    const expected = aggregateMinutes(truthFlows(truth), new NodeSet([prefix])).filter((r) => r.node === VICTIM);
    expect(expected.length).toBeGreaterThan(0);
    const from = expected[0]!.minute;
    const to = expected[expected.length - 1]!.minute + 1;
    const res = await fetch(`${edge.url}/v1/nodes/${VICTIM}/minutes?from=${from}&to=${to}`, { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { minutes: { minute: number; values: number[]; customer: string }[] };
    expect(body.minutes.map((m) => m.minute)).toEqual(expected.map((r) => r.minute));
    body.minutes.forEach((m, i) => {
      expect(m.customer).toBe("victim-co");
      const want = expected[i]!.counters;
      m.values.forEach((v, f) => expect(Math.abs(v - want[f]!), `minute ${m.minute} (${new Date(m.minute * MINUTE_MS).toISOString()}), feature ${f}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want[f]!))));
    });
  }, 180_000);
});
