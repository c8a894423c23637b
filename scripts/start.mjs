// `npm start`: the edge Worker under `wrangler dev` on http://127.0.0.1:8787, with the D1 migrations
// applied to the local database, a demo tenant seeded, and a local .dev.vars. Every step that fails
// says why and exits non-zero.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, runWrangler, wranglerBin, wranglerEnv } from "./wrangler-env.mjs";

const HOST = "127.0.0.1";
const PORT = 8787;
const URL_BASE = `http://${HOST}:${PORT}`;
/** Local-only demo credentials: seeded into the local D1 by this script, never used anywhere else. */
const DEMO_TENANT = { id: "demo-isp", name: "Demo ISP (local only)", timeZone: "UTC" };
const DEMO_KEY = "nfg_demo_local_only_key";
const READY_TIMEOUT_MS = 60_000;
/** The demo tenant's customer prefixes: every IP inside them is a node. */
const DEMO_PREFIXES = [
  { prefix: "203.0.113.0/24", customer: "demo-hosting" },
  { prefix: "2001:db8:100::/48", customer: "demo-hosting" },
];

function fail(step, why) {
  console.error(`\n[start] FAILED: ${step}\n[start] ${why}`);
  process.exit(1);
}

function log(message) {
  console.log(`[start] ${message}`);
}

/** SQL string literal (the values here are constants, but quote them properly anyway). */
const sqlText = (value) => `'${String(value).replaceAll("'", "''")}'`;

/** Runs one wrangler step; with `quiet`, its stdout is shown only if it fails (stderr always is). */
async function wrangler(step, args, { quiet = false } = {}) {
  log(quiet ? step : `${step}: wrangler ${args.join(" ")}`);
  let result;
  try {
    result = await runWrangler(args, { env, capture: quiet });
  } catch (err) {
    fail(step, `could not run wrangler (${err.message}); did you run \`npm ci\`?`);
  }
  if (result.code !== 0) {
    if (quiet) console.error(result.stdout);
    fail(step, `wrangler exited with code ${result.code} (its output is above).`);
  }
}

// 0. Prerequisites.
try {
  wranglerBin();
} catch {
  fail("checking dependencies", "wrangler is not installed: run `npm ci` first.");
}
const env = wranglerEnv();

// 1. Local secrets (.dev.vars, gitignored): a random ADMIN_TOKEN unless one is already there.
const devVars = join(REPO_ROOT, ".dev.vars");
try {
  const current = existsSync(devVars) ? readFileSync(devVars, "utf8") : "";
  if (!/^ADMIN_TOKEN=/m.test(current)) {
    const line = `ADMIN_TOKEN=${randomBytes(32).toString("base64url")}\n`;
    if (current === "") writeFileSync(devVars, `# Local secrets of the edge Worker (gitignored; written by npm start).\n${line}`, { mode: 0o600 });
    else appendFileSync(devVars, `${current.endsWith("\n") ? "" : "\n"}${line}`);
    log("wrote a random ADMIN_TOKEN to .dev.vars");
  }
} catch (err) {
  fail("writing .dev.vars", err.message);
}

// 2. Schema: apply migrations/ to the local D1 (under .wrangler/state). stdin is not a terminal, so
//    wrangler confirms on its own.
await wrangler("applying D1 migrations", ["d1", "migrations", "apply", "DB", "--local"]);

// 3. Demo tenant and API key (idempotent; re-activates the demo key if it was revoked).
const keyHash = createHash("sha256").update(DEMO_KEY, "utf8").digest("hex");
const seedSql = [
  `INSERT INTO tenants (id, name, created_at, time_zone) VALUES (${sqlText(DEMO_TENANT.id)}, ${sqlText(DEMO_TENANT.name)}, ${Date.now()}, ${sqlText(DEMO_TENANT.timeZone)})`,
  `ON CONFLICT(id) DO NOTHING;`,
  `INSERT INTO api_keys (id, tenant_id, key_hash, prefix, created_at) VALUES ('demo-key', ${sqlText(DEMO_TENANT.id)}, ${sqlText(keyHash)}, ${sqlText(DEMO_KEY.slice(0, 8))}, ${Date.now()})`,
  `ON CONFLICT(id) DO UPDATE SET key_hash = excluded.key_hash, prefix = excluded.prefix, revoked_at = NULL;`,
  ...DEMO_PREFIXES.map(
    (p, i) =>
      `INSERT INTO prefixes (id, tenant_id, prefix, customer, created_at) VALUES ('demo-prefix-${i}', ${sqlText(DEMO_TENANT.id)}, ${sqlText(p.prefix)}, ${sqlText(p.customer)}, ${Date.now()}) ON CONFLICT DO NOTHING;`,
  ),
  `UPDATE tenants SET prefixes_version = prefixes_version + 1 WHERE id = ${sqlText(DEMO_TENANT.id)};`,
].join(" ");
await wrangler("seeding the demo tenant", ["d1", "execute", "DB", "--local", "--command", seedSql], { quiet: true });

// 4. wrangler dev, in the foreground. Ctrl-C (or SIGTERM) stops it and this script.
log(`starting wrangler dev on ${URL_BASE}`);
const dev = spawn(process.execPath, [wranglerBin(), "dev", "--ip", HOST, "--port", String(PORT)], {
  cwd: REPO_ROOT,
  env,
  stdio: "inherit",
});
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    stopping = true;
    dev.kill(signal);
  });
}
dev.on("error", (err) => fail("starting wrangler dev", err.message));
dev.on("exit", (code, signal) => {
  if (stopping) process.exit(0);
  fail("wrangler dev", `it exited (${signal ?? `code ${code}`}); its output is above. Is port ${PORT} already in use?`);
});

// 5. Tell the user how to use it, once it answers.
const deadline = Date.now() + READY_TIMEOUT_MS;
for (;;) {
  try {
    const res = await fetch(`${URL_BASE}/healthz`);
    if (res.ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    dev.kill("SIGTERM");
    fail("waiting for wrangler dev", `${URL_BASE}/healthz did not answer within ${READY_TIMEOUT_MS / 1000} s.`);
  }
  await new Promise((r) => setTimeout(r, 250));
}
// 6. Demo data: the last 10 minutes of a small web server's traffic, with a DNS amplification on its
//    last 3 minutes, posted as NDJSON; then the open minutes are closed so they can be read back.
const demo = demoFlows(Date.now());
const posted = await fetch(`${URL_BASE}/v1/flows`, {
  method: "POST",
  headers: { Authorization: `Bearer ${DEMO_KEY}`, "Content-Type": "application/x-ndjson", "Idempotency-Key": `demo-${demo.firstMinute}` },
  body: demo.flows.map((f) => JSON.stringify(f)).join("\n"),
});
if (!posted.ok) fail("posting the demo flows", `POST /v1/flows answered ${posted.status}: ${await posted.text()}`);
const adminToken = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(devVars, "utf8"))?.[1] ?? "";
const flushed = await fetch(`${URL_BASE}/v1/admin/tenants/${DEMO_TENANT.id}/flush`, { method: "POST", headers: { Authorization: `Bearer ${adminToken}` } });
if (!flushed.ok) fail("closing the demo minutes", `POST /v1/admin/tenants/${DEMO_TENANT.id}/flush answered ${flushed.status}: ${await flushed.text()}`);
log(`demo: posted ${demo.flows.length} flows (${JSON.stringify(await posted.json())}), closed the minutes`);

console.log(`
========================================================================
 netflowgen edge is running (local only): ${URL_BASE}
   demo tenant:  ${DEMO_TENANT.id}
   demo API key: ${DEMO_KEY}   (seeded into the local D1 only)
   admin token:  ADMIN_TOKEN in .dev.vars

   curl ${URL_BASE}/healthz
   curl ${URL_BASE}/v1/schema
   curl -H 'Authorization: Bearer ${DEMO_KEY}' ${URL_BASE}/v1/tenant
   curl -H 'Authorization: Bearer ${DEMO_KEY}' '${URL_BASE}/v1/nodes/203.0.113.10/minutes?from=${demo.firstMinute}&to=${demo.firstMinute + 10}'

 Real exporters: npx netflowgen relay --listen 127.0.0.1:2055 --edge ${URL_BASE} --key ${DEMO_KEY}

 Stop with Ctrl-C.
========================================================================
`);

/** Deterministic demo flows: 10 minutes of web traffic to 203.0.113.10, with a DNS amplification (UDP from port 53, large packets, fragments) in the last 3. */
function demoFlows(nowMs) {
  const firstMinute = Math.floor(nowMs / 60_000) - 11;
  const flows = [];
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let m = 0; m < 10; m++) {
    const t0 = (firstMinute + m) * 60_000;
    for (let i = 0; i < 40; i++) {
      const start = t0 + Math.floor(rand() * 55_000);
      const client = `198.51.100.${1 + Math.floor(rand() * 200)}`;
      const packets = 5 + Math.floor(rand() * 40);
      flows.push({ startMs: start, endMs: start + Math.floor(rand() * 4000), src: client, dst: "203.0.113.10", srcPort: 49152 + Math.floor(rand() * 16000), dstPort: 443, protocol: 6, tcpFlags: 0x1b, packets, bytes: packets * 120 });
      flows.push({ startMs: start + 5, endMs: start + 4005, src: "203.0.113.10", dst: client, srcPort: 443, dstPort: 50000, protocol: 6, tcpFlags: 0x1b, packets: packets * 2, bytes: packets * 2 * 1200 });
    }
    if (m >= 7) {
      for (let i = 0; i < 300; i++) {
        const start = t0 + Math.floor(rand() * 59_000);
        const reflector = `192.0.2.${1 + Math.floor(rand() * 250)}`;
        flows.push({ startMs: start, endMs: start + 500, src: reflector, dst: "203.0.113.10", srcPort: 53, dstPort: 1024 + Math.floor(rand() * 60000), protocol: 17, tcpFlags: 0, packets: 20, bytes: 20 * 1400 });
        flows.push({ startMs: start, endMs: start + 500, src: reflector, dst: "203.0.113.10", srcPort: 0, dstPort: 0, protocol: 17, tcpFlags: 0, packets: 20, bytes: 20 * 1400 });
      }
    }
  }
  return { firstMinute, flows };
}
